#!/usr/bin/env bash
# Create .venv with Python >= 3.12 and install migmodel with its test tools (idempotent);
# with --browser, also make sure Chromium is there for the browser tests.
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
# Reinstall whenever pyproject.toml changes: it declares the dependencies and the entry points
# that register the built-in policies (migmodel/registry.py reads a source tree's
# pyproject.toml too, so a checkout not yet reinstalled still finds them).
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
  py=$(find_python) || { echo "migmodel needs Python >= 3.12 (Mesa 3.5 requires it); none found" >&2; exit 1; }
  echo "setting up .venv with $py: the first time takes a few minutes" >&2
  [ -x .venv/bin/python ] || "$py" -m venv .venv
  echo "  upgrading pip" >&2
  .venv/bin/python -m pip install --quiet --upgrade pip
  echo "  installing migmodel and its dependencies (Mesa, pandas, Solara, Dask, ...)" >&2
  .venv/bin/python -m pip install --quiet -e ".[dev]"
  touch "$stamp"
  echo "  done: .venv is ready" >&2
fi
# --browser: the browser tests drive Debian's Chromium (Playwright cannot download browsers here)
if [ "${1:-}" = "--browser" ] && ! command -v chromium >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "installing Chromium for the browser tests (apt-get install chromium)" >&2
    apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium >/dev/null
  else
    echo "the browser tests need Chromium: install it (Debian: sudo apt-get install chromium)" >&2
    exit 1
  fi
fi
