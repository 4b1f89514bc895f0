#!/usr/bin/env bash
# Runs every libFuzzer target for SECONDS each (default 15), starting from a copy of its
# committed seed corpus, and fails on the first crash, timeout or out-of-memory. A finding is
# written to fuzz/findings/TARGET/ and printed with the command that replays it; turn it into a
# named regression test and copy the input into fuzz/Regressions/TARGET/.
#
#   scripts/fuzz.sh [SECONDS] [TARGET...]      (make fuzz-ci: 15 s each; make fuzz: 600 s each)
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-15}"
shift || true
binary=.build-fuzz/debug/aviary-fuzz
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
    targets=($(ls fuzz/Corpus))
fi
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
summary=fuzz/findings/summary.txt
mkdir -p fuzz/findings
: > "$summary"
status=0
for target in "${targets[@]}"; do
    mkdir -p "$work/$target" "fuzz/findings/$target"
    cp fuzz/Corpus/"$target"/* "$work/$target"/
    [ -d "fuzz/Regressions/$target" ] && cp fuzz/Regressions/"$target"/* "$work/$target"/ 2>/dev/null || true
    log="fuzz/findings/$target/fuzz.log"
    if AVIARY_FUZZ_TARGET="$target" "$binary" "$work/$target" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
        -max_len=8192 -print_final_stats=1 -artifact_prefix="fuzz/findings/$target/" >"$log" 2>&1; then
        runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo "?")
        coverage=$(grep -o 'cov: [0-9]*' "$log" | tail -1 | grep -o '[0-9]*' || echo "?")
        printf '%-16s %8s s %10s runs  %6s edges  no finding\n' "$target" "$seconds" "$runs" "$coverage" | tee -a "$summary"
    else
        status=1
        echo "FINDING in $target: see $log" | tee -a "$summary"
        grep -E "ERROR|Fatal error|deadly signal|Test unit written" "$log" | head -5
        for finding in fuzz/findings/"$target"/{crash,timeout,oom,leak}-*; do
            [ -e "$finding" ] && echo "  replay: AVIARY_FUZZ_TARGET=$target $binary $finding"
        done
    fi
done
exit $status
