# `make test` is the one command that checks everything: Swift tests, then the peer suite
# against the real mlflow client. It installs what it needs (a git-ignored .venv) itself.

SWIFT ?= swift
PYTHON ?= python3
VENV := .venv
EVIDENTLY_VENV := .venv-evidently
BIN_PATH = $(shell $(SWIFT) build --show-bin-path)

.PHONY: test lint layering swift-test compat fuzz fuzz-ci fuzz-build build release bench bench-serve bench-drift bench-ui bench-deployment bench-monitor screenshots chromium prometheus clean-data

test: lint swift-test fuzz-ci compat

# Checks that need no build, so they run first.
lint: layering

# Each target imports only what DESIGN.md's module map allows (scripts/check_layering.py).
layering:
	$(PYTHON) scripts/check_layering.py

build:
	$(SWIFT) build --product aviary

release:
	$(SWIFT) build -c release --product aviary

swift-test:
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build

# libFuzzer harnesses (fuzz/): a package of their own, built with the fuzzer's instrumentation
# into .build-fuzz. `make test` runs each target for FUZZ_CI_SECONDS from its committed seed
# corpus; `make fuzz` for FUZZ_SECONDS each (or only FUZZ_TARGETS). See docs/fuzzing.md.
FUZZ_CI_SECONDS ?= 15
FUZZ_SECONDS ?= 600
FUZZ_TARGETS ?=
fuzz-build:
	$(SWIFT) build --package-path fuzz --scratch-path .build-fuzz --sanitize=fuzzer --product aviary-fuzz

fuzz-ci: fuzz-build
	scripts/fuzz.sh $(FUZZ_CI_SECONDS)

fuzz: fuzz-build
	scripts/fuzz.sh $(FUZZ_SECONDS) $(FUZZ_TARGETS)

# The peer suite starts the freshly built server itself on a free port with a temporary data dir.
# Evidently (the drift peer) needs pandas < 3, so it gets its own virtualenv; the HTML report
# is rendered by Debian's chromium, installed here when missing.
compat: build $(VENV)/.installed $(EVIDENTLY_VENV)/.installed chromium prometheus
	AVIARY_BIN=$(BIN_PATH)/aviary EVIDENTLY_PYTHON=$(EVIDENTLY_VENV)/bin/python $(VENV)/bin/python -m pytest compat -q

$(VENV)/.installed: compat/requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet -r compat/requirements.txt
	touch $@

$(EVIDENTLY_VENV)/.installed: compat/requirements-evidently.txt
	$(PYTHON) -m venv $(EVIDENTLY_VENV)
	$(EVIDENTLY_VENV)/bin/pip install --quiet -r compat/requirements-evidently.txt
	touch $@

chromium:
	@command -v chromium >/dev/null 2>&1 || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null)

# A real Prometheus scrapes aviary serve's /metrics in compat/test_prometheus.py.
prometheus:
	@command -v prometheus >/dev/null 2>&1 || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends prometheus >/dev/null)

# Benchmarks: release build, side by side with `mlflow server` when .venv-bench has it.
bench: release
	$(PYTHON) bench/bench.py --aviary $(shell $(SWIFT) build -c release --show-bin-path)/aviary \
		$(if $(wildcard .venv-bench/bin/mlflow),--mlflow .venv-bench/bin/mlflow)

# Model serving: aviary serve vs mlflow models serve, and in-process predict vs xgboost.
bench-serve:
	$(SWIFT) build -c release
	bench/run.sh serve

# Drift: aviary monitor drift vs Evidently's DataDriftPreset on 1,000,000 rows x 20 columns.
bench-drift: release $(EVIDENTLY_VENV)/.installed
	$(PYTHON) bench/drift_bench.py --aviary $(shell $(SWIFT) build -c release --show-bin-path)/aviary

# Web UI: experiment page over 10,000 runs and a 1,000,000-point chart, vs mlflow server's UI JSON.
bench-ui: release
	$(PYTHON) bench/ui_bench.py --aviary $(shell $(SWIFT) build -c release --show-bin-path)/aviary \
		$(if $(wildcard .venv-bench/bin/mlflow),--mlflow .venv-bench/bin/mlflow --mlflow-requests 50)

# Deployment path (routing, per-variant metrics) vs plain aviary serve, 1-row requests with wrk.
bench-deployment: release $(VENV)/.installed
	$(VENV)/bin/python bench/serve_model.py train --out /tmp/aviary-deployment-bench >/dev/null
	$(PYTHON) bench/deployment_bench.py --aviary $(shell $(SWIFT) build -c release --show-bin-path)/aviary --work /tmp/aviary-deployment-bench

# One monitor pass over a 100,000-request window (drift of 20 features and live quality), vs Evidently's drift preset.
bench-monitor: release $(VENV)/.installed $(EVIDENTLY_VENV)/.installed
	rm -rf /tmp/aviary-monitor-bench && $(VENV)/bin/python bench/serve_model.py train --out /tmp/aviary-monitor-bench >/dev/null
	$(VENV)/bin/python bench/monitor_bench.py --aviary $(shell $(SWIFT) build -c release --show-bin-path)/aviary --work /tmp/aviary-monitor-bench

# The web UI's screenshots in docs/ (ui-*.png), from a demo seeded through the mlflow client.
screenshots: build $(VENV)/.installed chromium
	$(VENV)/bin/python scripts/ui_screenshots.py $(BIN_PATH)/aviary

clean-data:
	rm -rf aviary-data
