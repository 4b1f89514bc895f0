#!/usr/bin/env bash
# Runs the Aviary-vs-MLflow benchmarks with the usual paths.
#
#   bench/run.sh                      # tracking server: aviary server vs mlflow server
#   bench/run.sh --duration 30        # longer load tests (extra flags go to bench.py)
#   BENCH_NO_MLFLOW=1 bench/run.sh    # aviary only
#   bench/run.sh serve [FLAGS]        # model serving: aviary serve vs mlflow models serve
#                                     # (extra flags go to serve_bench.py)
#
# Installs the peer (mlflow==3.17.2) into the git-ignored .venv-bench when it is missing;
# `serve` also makes sure the venv has xgboost-cpu==3.1.2 and pandas (idempotent).
# wrk is not installed automatically: without it bench.py uses its Python load client and
# serve_bench.py stops (install with: apt-get update && apt-get install -y wrk).
set -euo pipefail
cd "$(dirname "$0")/.."

MLFLOW_VERSION=3.17.2
XGBOOST_VERSION=3.1.2

install_mlflow() {
  if [[ ! -x .venv-bench/bin/mlflow ]]; then
    echo "[run.sh] installing mlflow==$MLFLOW_VERSION into .venv-bench" >&2
    python3 -m venv .venv-bench
    .venv-bench/bin/pip install --quiet "mlflow==$MLFLOW_VERSION"
  fi
}

if [[ "${1:-}" == "serve" ]]; then
  shift
  install_mlflow
  # What `mlflow models serve --env-manager local` needs for an XGBoost model (uvicorn and
  # fastapi come with mlflow 3.x itself).
  if ! .venv-bench/bin/python -c "import sys, pandas, xgboost; \
sys.exit(xgboost.__version__ != '$XGBOOST_VERSION')" 2>/dev/null; then
    echo "[run.sh] installing xgboost-cpu==$XGBOOST_VERSION and pandas into .venv-bench" >&2
    .venv-bench/bin/pip install --quiet "xgboost-cpu==$XGBOOST_VERSION" pandas
  fi
  sargs=(--mlflow .venv-bench/bin/mlflow)
  if [[ -x .build/release/aviary ]]; then
    sargs+=(--aviary .build/release/aviary)
  else
    echo "[run.sh] no .build/release/aviary; build it with: swift build -c release" >&2
    sargs+=(--skip-aviary)
  fi
  if [[ -n "${BENCH_NO_MLFLOW:-}" ]]; then
    sargs+=(--skip-mlflow)
  fi
  exec python3 bench/serve_bench.py "${sargs[@]}" "$@"
fi

args=()
if [[ -x .build/release/aviary ]]; then
  args+=(--aviary .build/release/aviary)
else
  echo "[run.sh] no .build/release/aviary; build it with: swift build -c release" >&2
fi
if [[ -z "${BENCH_NO_MLFLOW:-}" ]]; then
  install_mlflow
  args+=(--mlflow .venv-bench/bin/mlflow)
fi
if ! command -v wrk >/dev/null; then
  echo "[run.sh] wrk not found: the Python load client will be used;" \
       "install wrk with: apt-get update && apt-get install -y wrk" >&2
fi
if [[ ${#args[@]} -eq 0 ]]; then
  echo "[run.sh] nothing to benchmark" >&2
  exit 2
fi
exec python3 bench/bench.py "${args[@]}" "$@"
