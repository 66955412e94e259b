# The two commands of the README. Each sets up what it needs first (scripts/setup.sh).
.PHONY: run test lint bench sweep-examples

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

sweep-examples:  ## run the two example sweeps (results/sweeps/) and rewrite their reports
	@bash scripts/setup.sh
	for s in enforcement_x_visas sobol_uncertainties; do \
	  .venv/bin/migmodel sweep experiments/sweeps/$$s.toml --out results/sweeps/$$s --resume && \
	  .venv/bin/migmodel analyze results/sweeps/$$s --report experiments/reports/$$s || exit 1; \
	done
