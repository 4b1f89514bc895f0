#!/usr/bin/env python3
"""Times `aviary monitor drift` against Evidently's DataDriftPreset end to end on the same CSV
files, in one run: reading both files, every column's test, the JSON and the HTML report.
Peak memory is each process's maximum resident set size (GNU time's %M).

    python3 bench/drift_bench.py [--rows 1000000] [--aviary .build/release/aviary]
                                 [--evidently-python .venv-evidently/bin/python]

The data: ROWS rows of 16 numeric columns (normal, 1% missing in one) and 4 categorical ones
(5 labels); the current file shifts a third of the numeric columns by 0.1 and two categorical
distributions. Writes bench/results/drift.json and prints a Markdown table.
"""
from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PEER = ROOT / "compat" / "peers" / "evidently_peer.py"

GENERATE = r"""
import sys, numpy as np, pandas as pd
rows, seed, out = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
rng = np.random.default_rng(seed)
def make(shift):
    d = {f"n{i}": rng.normal(shift * (i % 3 == 0), 1, rows) for i in range(16)}
    for i in range(4):
        p = [.3, .25, .2, .15, .1] if shift == 0 or i % 2 else [.1, .15, .2, .25, .3]
        d[f"c{i}"] = rng.choice(["alpha", "beta", "gamma", "delta", "eps"], rows, p=p)
    df = pd.DataFrame(d)
    df.loc[rng.random(rows) < 0.01, "n1"] = np.nan
    return df
make(0.0).to_csv(f"{out}/ref.csv", index=False)
make(0.1).to_csv(f"{out}/cur.csv", index=False)
"""


def timed(argv: list[str]) -> dict:
    """Runs argv under GNU time; returns wall seconds, user+sys seconds, peak RSS (MiB) and stdout."""
    time_bin = shutil.which("time") or "/usr/bin/time"
    with tempfile.NamedTemporaryFile("r", suffix=".time") as stats:
        start = time.perf_counter()
        done = subprocess.run([time_bin, "-f", "%e %U %S %M", "-o", stats.name, *argv], capture_output=True, text=True)
        wall = time.perf_counter() - start
        elapsed, user, system, rss_kb = stats.read().split()[-4:]
    if done.returncode not in (0, 1):  # aviary exits 1 when it detects drift
        sys.exit(f"{argv[0]} failed ({done.returncode}): {done.stderr[-2000:]}")
    return {"seconds": wall, "cpu_seconds": float(user) + float(system), "peak_rss_mib": int(rss_kb) / 1024, "stdout": done.stdout}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=1_000_000, help="rows in each file (1000000)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--aviary", default=str(ROOT / ".build" / "release" / "aviary"))
    parser.add_argument("--evidently-python", default=str(ROOT / ".venv-evidently" / "bin" / "python"),
                        help="python with evidently==0.7.23 and pandas<3 (make .venv-evidently/.installed)")
    parser.add_argument("--keep", action="store_true", help="keep the data directory")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="drift-bench-"))
    print(f"[drift-bench] writing {args.rows:,} rows x 20 columns twice into {work}", file=sys.stderr)
    subprocess.run([args.evidently_python, "-c", GENERATE, str(args.rows), str(args.seed), str(work)], check=True)
    ref, cur = work / "ref.csv", work / "cur.csv"

    print("[drift-bench] aviary monitor drift", file=sys.stderr)
    aviary = timed([args.aviary, "monitor", "drift", "--reference", str(ref), "--current", str(cur),
                    "--json", str(work / "aviary.json"), "--html", str(work / "aviary.html")])
    print(f"[drift-bench]   {aviary['seconds']:.2f} s, peak {aviary['peak_rss_mib']:.0f} MiB", file=sys.stderr)
    print("[drift-bench] evidently DataDriftPreset", file=sys.stderr)
    evidently = timed([args.evidently_python, str(PEER), "preset", str(ref), str(cur), "--html", str(work / "evidently.html")])
    print(f"[drift-bench]   {evidently['seconds']:.2f} s, peak {evidently['peak_rss_mib']:.0f} MiB", file=sys.stderr)

    ours = json.loads((work / "aviary.json").read_text())
    theirs = json.loads(evidently["stdout"])
    verdicts = {c["column"]: c["drifted"] for c in theirs["columns"]}
    agree = all(verdicts[c["column"]] == c["drifted"] for c in ours["columns"]) and ours["dataset_drift"] == theirs["dataset"]["dataset_drift"]

    result = {
        "rows": args.rows, "columns": 20, "file_mib": ref.stat().st_size / 2**20,
        "aviary": {k: v for k, v in aviary.items() if k != "stdout"},
        "evidently": {k: v for k, v in evidently.items() if k != "stdout"},
        "speedup": evidently["seconds"] / aviary["seconds"],
        "memory_ratio": aviary["peak_rss_mib"] / evidently["peak_rss_mib"],
        "verdicts_agree": agree, "drifted_columns": ours["drifted_columns"],
    }
    out = ROOT / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / "drift.json").write_text(json.dumps(result, indent=2))
    print(f"""| measurement | aviary | evidently | ratio | target | met |
|---|---:|---:|---:|---|---|
| end to end, {args.rows:,} rows x 20 columns, JSON + HTML (s) | {aviary['seconds']:.2f} | {evidently['seconds']:.2f} | {result['speedup']:.1f}x faster | >= 20x | {'yes' if result['speedup'] >= 20 else 'no'} |
| CPU time, user + system (s) | {aviary['cpu_seconds']:.2f} | {evidently['cpu_seconds']:.2f} | | | |
| peak RSS (MiB) | {aviary['peak_rss_mib']:.0f} | {evidently['peak_rss_mib']:.0f} | {result['memory_ratio']:.2f} | <= 0.5 | {'yes' if result['memory_ratio'] <= 0.5 else 'no'} |
| per-column verdicts and dataset verdict agree | {'yes' if agree else 'NO'} | | | | |""")
    if not args.keep:
        shutil.rmtree(work)


if __name__ == "__main__":
    main()
