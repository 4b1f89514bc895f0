#!/usr/bin/env bash
# Runs the Aviary-vs-MLflow benchmark with the usual paths; extra flags go to bench.py.
#
#   bench/run.sh                      # aviary (.build/release/aviary) vs mlflow (.venv-bench)
#   bench/run.sh --duration 30        # longer load tests
#   BENCH_NO_MLFLOW=1 bench/run.sh    # aviary only
#
# Installs the peer (mlflow==3.17.2) into the git-ignored .venv-bench when it is missing.
# wrk is not installed automatically: without it the Python load client is used
# (install with: apt-get update && apt-get install -y wrk).
set -euo pipefail
cd "$(dirname "$0")/.."

MLFLOW_VERSION=3.17.2
args=()
if [[ -x .build/release/aviary ]]; then
  args+=(--aviary .build/release/aviary)
else
  echo "[run.sh] no .build/release/aviary; build it with: swift build -c release" >&2
fi
if [[ -z "${BENCH_NO_MLFLOW:-}" ]]; then
  if [[ ! -x .venv-bench/bin/mlflow ]]; then
    echo "[run.sh] installing mlflow==$MLFLOW_VERSION into .venv-bench" >&2
    python3 -m venv .venv-bench
    .venv-bench/bin/pip install --quiet "mlflow==$MLFLOW_VERSION"
  fi
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
