# The two commands of the README. Each sets up what it needs first (scripts/setup.sh).
.PHONY: run test baseline lint bench bench-app handouts bench-classroom fuzz sweep-examples calibrate validation

HOST ?= 127.0.0.1
PORT ?= 8765
# A classroom server: closed tabs' sessions are freed after CULL (Solara keeps them 24 h by
# default); each session may run at most MAX_ENSEMBLE seeds and no finer a scale than
# MIN_PEOPLE_PER_AGENT, e.g. make run HOST=0.0.0.0 MAX_ENSEMBLE=3 MIN_PEOPLE_PER_AGENT=200
CULL ?= 2m
MAX_ENSEMBLE ?= 10
MIN_PEOPLE_PER_AGENT ?= 1
FUZZ_CASES ?= 2000

run:  ## the app on the default scenario; open the address it prints (works with no internet)
	@bash scripts/setup.sh
	SOLARA_TELEMETRY_MIXPANEL_ENABLE=False SOLARA_KERNEL_CULL_TIMEOUT=$(CULL) \
	MIGMODEL_MAX_ENSEMBLE=$(MAX_ENSEMBLE) MIGMODEL_MIN_PEOPLE_PER_AGENT=$(MIN_PEOPLE_PER_AGENT) \
	PYTHONWARNINGS="ignore:Cookies with samesite=none" \
		.venv/bin/solara run app.py --production --host $(HOST) --port $(PORT)

test:  ## the whole test suite, browser tests included (needs Chromium: scripts/setup.sh --browser)
	@bash scripts/setup.sh --browser
	.venv/bin/python -m pytest

baseline:  ## run the default scenario headless and write its results to results/baseline
	@bash scripts/setup.sh
	.venv/bin/migmodel run baseline --seed 1 --out results/baseline --overwrite

lint:
	@bash scripts/setup.sh
	.venv/bin/ruff check .

bench:  ## speed beside Flee 3.1 and a NumPy kernel (needs ../shared/bench)
	@bash scripts/setup.sh
	bash ../shared/bench/compare.sh 20000 100

bench-classroom:  ## server step time and memory with 30 sessions stepping a week every 2 s
	@bash scripts/setup.sh
	.venv/bin/python scripts/bench_classroom.py --sessions 30 --steps 20

fuzz:  ## the long fuzzing run: FUZZ_CASES mutated files of each kind (the suite runs ~1,300)
	@bash scripts/setup.sh
	.venv/bin/python scripts/fuzz.py --cases $(FUZZ_CASES) --seed 2

handouts:  ## every lesson's handout and answer key, to print (HTML), into results/handouts
	@bash scripts/setup.sh
	.venv/bin/python -m migmodel.views.handout results/handouts

bench-app:  ## the app's step times: compute on the server, and until the browser shows it
	@bash scripts/setup.sh --browser
	.venv/bin/python scripts/bench_app.py

sweep-examples:  ## run the two example sweeps (results/sweeps/) and rewrite their reports
	@bash scripts/setup.sh
	for s in enforcement_x_visas sobol_uncertainties; do \
	  .venv/bin/migmodel sweep experiments/sweeps/$$s.toml --out results/sweeps/$$s --resume && \
	  .venv/bin/migmodel analyze results/sweeps/$$s --report experiments/reports/$$s || exit 1; \
	done

calibrate:  ## refit the historical scenario and the two rolling origins to the data (~1 h)
	@bash scripts/setup.sh
	.venv/bin/migmodel calibrate experiments/calibration/historical.toml
	.venv/bin/migmodel calibrate experiments/calibration/origin_2021.toml
	.venv/bin/migmodel calibrate experiments/calibration/origin_2022.toml

validation:  ## rewrite experiments/reports/validation/ (runs, figures, tables) from the fits
	@bash scripts/setup.sh
	.venv/bin/migmodel validation --draws 20 --out experiments/reports/validation
