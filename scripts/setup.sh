#!/usr/bin/env bash
# Create .venv with Python >= 3.12 and install migmodel with its test tools (idempotent).
set -euo pipefail
cd "$(dirname "$0")/.."
find_python() {
  for py in python3.12 python3.13 python3; do
    if command -v "$py" >/dev/null 2>&1 &&
       "$py" -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; then
      echo "$py"; return 0
    fi
  done
  # pyenv installs that are not on PATH as python3.12 (see .python-version)
  if PYENV_VERSION=3.12 python3 -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; then
    PYENV_VERSION=3.12 python3 -c 'import sys; print(sys.executable)'; return 0
  fi
  return 1
}
stamp=.venv/.installed
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
  py=$(find_python) || { echo "migmodel needs Python >= 3.12 (Mesa 3.5 requires it); none found" >&2; exit 1; }
  [ -x .venv/bin/python ] || "$py" -m venv .venv
  .venv/bin/python -m pip install --quiet --upgrade pip
  .venv/bin/python -m pip install --quiet -e ".[dev]"
  touch "$stamp"
fi
