#!/usr/bin/env bash
# Instructions per request on a fixed request stream, counted by valgrind's callgrind.
#
#   bench/instructions.sh BENCH_BINARY STREAM N1 N2
#
# STREAM is what follows the binary's name in an `aviary-request-bench` command line, with
# the request count left off, e.g. "invocations /tmp/aviary-regression/model /tmp/aviary-regression/body_single.json"
# or "log-batch". The stream runs twice, N1 and N2 requests, and the answer is the difference
# of the two totals over N2 - N1: start-up, model loading and the first request's warm-up cancel.
# Strip the binary first (`strip -o /tmp/bench .build/release/aviary-request-bench`): valgrind
# reads DWARF for minutes otherwise. See DEVELOPERS.md.
set -euo pipefail
if [ $# -ne 4 ]; then
    sed -n 2,11p "$0" | sed 's/^# \{0,1\}//' >&2
    exit 2
fi
binary=$1; stream=$2; n1=$3; n2=$4
count() {
    # shellcheck disable=SC2086  # STREAM is several words on purpose
    SWIFT_BACKTRACE=enable=no valgrind --tool=callgrind --callgrind-out-file=/dev/null \
        "$binary" $stream "$1" 2>&1 >/dev/null | sed -n 's/.*Collected : \([0-9]*\).*/\1/p'
}
i1=$(count "$n1"); i2=$(count "$n2")
if [ -z "$i1" ] || [ -z "$i2" ]; then
    echo "instructions.sh: valgrind printed no count; run the command by hand to see why" >&2
    exit 1
fi
echo "{\"requests\": [$n1, $n2], \"instructions\": [$i1, $i2], \"instructions_per_request\": $(( (i2 - i1) / (n2 - n1) ))}"
