# The two commands of the README. Each sets up what it needs first (scripts/setup.sh).
.PHONY: run test lint bench

run:  ## run the built-in default scenario and write its results to results/baseline
	@bash scripts/setup.sh
	.venv/bin/migmodel run baseline --seed 1 --out results/baseline --overwrite

test:  ## the whole test suite
	@bash scripts/setup.sh
	.venv/bin/python -m pytest

lint:
	@bash scripts/setup.sh
	.venv/bin/ruff check .

bench:  ## speed beside Flee 3.1 and a NumPy kernel (needs ../shared/bench)
	@bash scripts/setup.sh
	bash ../shared/bench/compare.sh 20000 100
