# `make test` is the one command that checks everything: Swift tests, then the peer suite
# against the real mlflow client. It installs what it needs (a git-ignored .venv) itself.

SWIFT ?= swift
PYTHON ?= python3
VENV := .venv
BIN_PATH = $(shell $(SWIFT) build --show-bin-path)

.PHONY: test swift-test compat build release bench bench-serve clean-data

test: swift-test compat

build:
	$(SWIFT) build --product aviary

release:
	$(SWIFT) build -c release --product aviary

swift-test:
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build

# The peer suite starts the freshly built server itself on a free port with a temporary data dir.
compat: build $(VENV)/.installed
	AVIARY_BIN=$(BIN_PATH)/aviary $(VENV)/bin/python -m pytest compat -q

$(VENV)/.installed: compat/requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet -r compat/requirements.txt
	touch $@

# Benchmarks: release build, side by side with `mlflow server` when .venv-bench has it.
bench: release
	$(PYTHON) bench/bench.py --aviary $(shell $(SWIFT) build -c release --show-bin-path)/aviary \
		$(if $(wildcard .venv-bench/bin/mlflow),--mlflow .venv-bench/bin/mlflow)

# Model serving: aviary serve vs mlflow models serve, and in-process predict vs xgboost.
bench-serve:
	$(SWIFT) build -c release
	bench/run.sh serve

clean-data:
	rm -rf aviary-data
