#!/usr/bin/env python3
"""The reference side of compat/test_drift.py, run in .venv-evidently (Evidently needs pandas < 3).

    evidently_peer.py preset REF.csv CUR.csv [--drift-share 0.5] [--html REPORT.html]
        Evidently's DataDriftPreset on the two files: per column the test, score, threshold and
        verdict; the dataset's drifted share and verdict. JSON on stdout.

    evidently_peer.py stats REF.csv CUR.csv COLUMN
        For one column (missing values and infinities dropped, as Evidently does): scipy's own
        statistics (ks_2samp, chisquare on Evidently's expected counts, wasserstein_distance normed
        by np.std, jensenshannon and the normal CDF for the z-test on Evidently's binning) and each
        of Evidently's stattest functions (ks, chisquare, z, wasserstein, jensenshannon, psi,
        kl_div, hellinger) with its score. JSON on stdout.
"""
import argparse
import json
import math
import sys
import warnings

warnings.filterwarnings("ignore")

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from scipy import stats  # noqa: E402
from scipy.spatial import distance  # noqa: E402

from evidently import Dataset, Report  # noqa: E402
from evidently.legacy.calculations.stattests import registry  # noqa: E402
from evidently.legacy.calculations.stattests.utils import get_binned_data  # noqa: E402
from evidently.legacy.core import ColumnType  # noqa: E402
from evidently.presets import DataDriftPreset  # noqa: E402

STATTESTS = ["ks", "chisquare", "z", "wasserstein", "jensenshannon", "psi", "kl_div", "hellinger"]
DISPLAY_TO_NAME = {st.display_name: st.name
                   for by_type in registry._registered_stat_tests.values() for st in by_type.values()}


def number(x):
    if x is None:
        return None
    x = float(x)
    if math.isnan(x):
        return "NaN"
    if math.isinf(x):
        return "Infinity" if x > 0 else "-Infinity"
    return x


def preset(args):
    ref, cur = pd.read_csv(args.ref), pd.read_csv(args.cur)
    report = Report([DataDriftPreset(drift_share=args.drift_share)], include_tests=True)
    run = report.run(Dataset.from_pandas(cur), Dataset.from_pandas(ref))
    if args.html:
        run.save_html(args.html)
    snapshot = run.dict()
    status = {t["metric_config"]["metric_id"]: str(getattr(t["status"], "value", t["status"])) for t in snapshot["tests"]}
    columns, dataset = [], None
    for metric in snapshot["metrics"]:
        config = metric["config"]
        if config["type"].endswith(":ValueDrift"):
            columns.append({
                "column": config["column"],
                "method": DISPLAY_TO_NAME.get(config.get("method"), config.get("method")),
                "score": number(metric["value"]),
                "threshold": number(config.get("threshold")),
                # ValueDrift's test fails when drift is detected.
                "drifted": status.get(metric["id"]) == "FAIL",
            })
        elif config["type"].endswith(":DriftedColumnsCount"):
            dataset = {
                "drifted_columns": int(metric["value"]["count"]),
                "drift_share": float(metric["value"]["share"]),
                "dataset_drift": status.get(metric["id"]) == "FAIL",
            }
    return {"columns": columns, "dataset": dataset}


def clean(series):
    return series.replace([np.inf, -np.inf], np.nan).dropna()


def column_stats(args):
    ref = clean(pd.read_csv(args.ref)[args.column])
    cur = clean(pd.read_csv(args.cur)[args.column])
    kind = ColumnType.Numerical if pd.api.types.is_numeric_dtype(ref) and not pd.api.types.is_bool_dtype(ref) else ColumnType.Categorical
    out = {"type": "num" if kind == ColumnType.Numerical else "cat", "evidently": {}, "scipy": {}}
    for name in STATTESTS:
        try:
            test = registry.get_stattest(ref, cur, kind, name)
            score, _ = test.func(ref.copy(), cur.copy(), kind, test.default_threshold)
            out["evidently"][name] = number(score)
        except Exception as error:  # a test that does not apply to the column type
            out["evidently"][name] = f"error: {error}"
    keys = sorted(set(ref.unique()) | set(cur.unique()), key=str)
    rc, cc = ref.value_counts(), cur.value_counts()
    if kind == ColumnType.Numerical:
        out["scipy"]["ks"] = number(stats.ks_2samp(ref, cur).pvalue)
        out["scipy"]["wasserstein"] = number(stats.wasserstein_distance(ref, cur) / max(float(np.std(ref)), 0.001))
    expected = [rc.get(k, 0) * len(cur) / len(ref) for k in keys]
    observed = [cc.get(k, 0) for k in keys]
    if len(keys) > 1 and all(e > 0 for e in expected):
        out["scipy"]["chisquare"] = number(stats.chisquare(observed, expected).pvalue)
    r_share, c_share = get_binned_data(ref, cur, kind, 30, feel_zeroes=False)
    out["scipy"]["jensenshannon"] = number(distance.jensenshannon(r_share, c_share))
    if len(keys) == 2:
        p1 = (ref != keys[0]).mean()
        p2 = (cur != keys[0]).mean()
        pooled = (p1 * len(ref) + p2 * len(cur)) / (len(ref) + len(cur))
        z = (p1 - p2) / np.sqrt(pooled * (1 - pooled) * (1 / len(ref) + 1 / len(cur)))
        out["scipy"]["z"] = number(2 * (1 - stats.norm.cdf(abs(z))))
    return out


def main():
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("preset")
    p.add_argument("ref")
    p.add_argument("cur")
    p.add_argument("--drift-share", type=float, default=0.5)
    p.add_argument("--html", help="also save Evidently's HTML report here (the benchmark times it)")
    s = sub.add_parser("stats")
    s.add_argument("ref")
    s.add_argument("cur")
    s.add_argument("column")
    args = parser.parse_args()
    result = preset(args) if args.command == "preset" else column_stats(args)
    json.dump(result, sys.stdout)


if __name__ == "__main__":
    main()
