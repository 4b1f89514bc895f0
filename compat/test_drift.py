"""`aviary monitor drift|suggest|check` against the peers: every drift statistic against scipy
and against Evidently's own stattest functions, and the per-column and dataset verdicts against
Evidently's DataDriftPreset, all computed at test time on the same CSV files. Evidently 0.7
needs pandas < 3, so it runs in .venv-evidently through compat/peers/evidently_peer.py
(EVIDENTLY_PYTHON names its python; `make test` creates it)."""

from __future__ import annotations

import json
import math
import os
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from compat_helpers import AVIARY_BIN, RUNNING_AGAINST_PEER

pytestmark = pytest.mark.skipif(RUNNING_AGAINST_PEER or not AVIARY_BIN, reason="Aviary's own commands")

ROOT = Path(__file__).resolve().parent.parent
EVIDENTLY_PYTHON = os.environ.get("EVIDENTLY_PYTHON", str(ROOT / ".venv-evidently" / "bin" / "python"))
PEER = Path(__file__).resolve().parent / "peers" / "evidently_peer.py"
STATTESTS = ["ks", "chisquare", "z", "wasserstein", "jensenshannon", "psi", "kl_div", "hellinger"]
P_VALUES = {"ks", "chisquare", "z"}


def aviary(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([AVIARY_BIN, "monitor", *args], capture_output=True, text=True, timeout=300)


def peer(*args: str) -> dict:
    done = subprocess.run([EVIDENTLY_PYTHON, str(PEER), *args], capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, f"evidently peer failed: {done.stderr[-2000:]}"
    return json.loads(done.stdout)


def as_float(x):
    return float(x) if not isinstance(x, str) else float({"NaN": "nan", "Infinity": "inf", "-Infinity": "-inf"}[x])


def assert_close(ours: float, theirs: float, method: str, what: str):
    """p-values within 1e-6 absolute; statistics and distances within 1e-9 relative."""
    if method in P_VALUES:
        assert abs(ours - theirs) <= 1e-6, f"{what}: aviary {ours!r} vs peer {theirs!r}"
    else:
        assert math.isclose(ours, theirs, rel_tol=1e-9, abs_tol=1e-12), f"{what}: aviary {ours!r} vs peer {theirs!r}"


def frame(rng: np.random.Generator, n: int, shift: float) -> pd.DataFrame:
    """Numeric (continuous, few-valued integers, many-valued integers), binary, categorical
    columns; NaN and ±inf sprinkled into the continuous one."""
    data = pd.DataFrame({
        "x": rng.normal(shift, 1 + shift, n),
        "skewed": rng.exponential(1 + shift, n),
        "few": rng.integers(0, 4 + (shift > 0), n),
        "ints": rng.integers(0, 60, n),
        "binary": rng.choice([0, 1], n, p=[0.5 + shift / 4, 0.5 - shift / 4]),
        "colour": rng.choice(["red", "green", "blue", "teal", "grey"], n, p=[0.3, 0.25, 0.2, 0.15, 0.1] if shift == 0 else [0.1, 0.15, 0.2, 0.25, 0.3]),
        "answer": rng.choice(["yes", "no"], n),
    })
    data.loc[rng.random(n) < 0.03, "x"] = np.nan
    data.loc[rng.random(n) < 0.01, "x"] = np.inf
    data.loc[rng.random(n) < 0.01, "x"] = -np.inf
    return data


# (reference rows, current rows, shift): small references get p-value tests, large ones
# distances; 15,000 current rows send ks_2samp to its asymptotic branch.
CASES = {
    "small": (400, 600, 0.25),
    "small-no-drift": (800, 900, 0.0),
    "equal-sizes": (500, 500, 0.1),
    "asymptotic-ks": (300, 15_000, 0.05),
    "large": (5_000, 4_000, 0.2),
}


@pytest.fixture(scope="module", params=list(CASES))
def dataset(request, tmp_path_factory):
    n_ref, n_cur, shift = CASES[request.param]
    rng = np.random.default_rng(abs(hash(request.param)) % 2**32)
    directory = tmp_path_factory.mktemp(request.param)
    ref, cur = directory / "ref.csv", directory / "cur.csv"
    frame(rng, n_ref, 0.0).to_csv(ref, index=False)
    frame(rng, n_cur, shift).to_csv(cur, index=False)
    return request.param, ref, cur


def drift_json(ref: Path, cur: Path, *extra: str) -> tuple[int, dict]:
    out = ref.parent / f"report-{abs(hash(extra))}.json"
    done = aviary("drift", "--reference", str(ref), "--current", str(cur), "--json", str(out), *extra)
    assert done.returncode in (0, 1), done.stderr
    return done.returncode, json.loads(out.read_text())


def test_default_verdicts_match_evidently_preset(dataset):
    name, ref, cur = dataset
    status, ours = drift_json(ref, cur)
    theirs = peer("preset", str(ref), str(cur))
    by_column = {c["column"]: c for c in ours["columns"]}
    assert set(by_column) == {c["column"] for c in theirs["columns"]}
    for expected in theirs["columns"]:
        got = by_column[expected["column"]]
        assert got["method"] == expected["method"], f"{name}/{expected['column']}"
        assert_close(got["score"], as_float(expected["score"]), got["method"], f"{name}/{expected['column']}")
        assert got["threshold"] == pytest.approx(as_float(expected["threshold"]))
        assert got["drifted"] == expected["drifted"], f"{name}/{expected['column']}"
    assert ours["drifted_columns"] == theirs["dataset"]["drifted_columns"]
    assert ours["drift_share"] == pytest.approx(theirs["dataset"]["drift_share"])
    assert ours["dataset_drift"] == theirs["dataset"]["dataset_drift"]
    assert status == (1 if ours["dataset_drift"] else 0)


@pytest.mark.parametrize("column", ["x", "skewed", "ints", "few", "binary", "colour", "answer"])
def test_every_statistic_matches_scipy_and_evidently(dataset, column):
    name, ref, cur = dataset
    reference = peer("stats", str(ref), str(cur), column)
    for method in STATTESTS:
        expected = reference["evidently"][method]
        done = aviary("drift", "--reference", str(ref), "--current", str(cur), "--columns", column,
                      "--stattest", f"{column}={method}", "--json", "-")
        if isinstance(expected, str) and expected.startswith("error"):
            continue  # Evidently refuses this test for this column type
        assert done.returncode in (0, 1), f"{name}/{column}/{method}: {done.stderr}"
        report = json.loads(done.stdout[done.stdout.index("{"):done.stdout.rindex("}") + 1])
        got = report["columns"][0]["score"]
        assert_close(got, as_float(expected), method, f"{name}/{column}/{method} vs evidently")
        if method in reference["scipy"]:
            assert_close(got, as_float(reference["scipy"][method]), method, f"{name}/{column}/{method} vs scipy")


def test_nan_and_infinities_are_dropped_before_testing(tmp_path):
    ref, cur = tmp_path / "ref.csv", tmp_path / "cur.csv"
    pd.DataFrame({"v": [1.0, 2.0, np.nan, np.inf, 3.0, 4.0, 5.0, 6.0, -np.inf, 7.0]}).to_csv(ref, index=False)
    pd.DataFrame({"v": [np.nan, 1.5, 2.5, 3.5, np.inf, 4.5, 5.5, 6.5, 7.5, 8.5]}).to_csv(cur, index=False)
    _, report = drift_json(ref, cur)
    column = report["columns"][0]
    assert (column["reference_count"], column["current_count"]) == (7, 8)
    theirs = peer("preset", str(ref), str(cur))["columns"][0]
    assert_close(column["score"], as_float(theirs["score"]), column["method"], "v")


def test_html_report_renders_in_headless_chromium(dataset, tmp_path):
    name, ref, cur = dataset
    if name != "small":
        pytest.skip("one rendering check is enough")
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    assert chromium, "Debian's chromium is needed (make test installs it)"
    html = tmp_path / "report.html"
    done = aviary("drift", "--reference", str(ref), "--current", str(cur), "--html", str(html))
    assert done.returncode in (0, 1), done.stderr
    text = html.read_text()
    assert "http://" not in text and "https://" not in text and "<script src" not in text, "the report must be self-contained"
    flags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--allow-file-access-from-files"]
    dom = subprocess.run([chromium, *flags, "--dump-dom", html.as_uri()], capture_output=True, text=True, timeout=120)
    assert dom.returncode == 0, dom.stderr[-2000:]
    columns = list(pd.read_csv(ref, nrows=1).columns)
    for column in columns:
        start = dom.stdout.index(f'data-column="{column}"')
        chart = dom.stdout[start:dom.stdout.index("</svg>", start)]
        assert 'data-series="reference"' in chart and 'data-series="current"' in chart, column
        assert chart.count("<rect") >= 2, column
    assert dom.stdout.count('class="drift-chart"') == len(columns)
    png = tmp_path / "report.png"
    shot = subprocess.run([chromium, *flags, f"--screenshot={png}", "--window-size=1000,1400", html.as_uri()],
                          capture_output=True, text=True, timeout=120)
    assert shot.returncode == 0 and png.stat().st_size > 10_000, shot.stderr[-2000:]


def test_suggest_then_check(tmp_path):
    rng = np.random.default_rng(7)
    n = 600
    start = pd.Timestamp("2024-01-01") + pd.to_timedelta(rng.integers(0, 300, n), unit="D")
    reference = pd.DataFrame({
        "id": np.arange(n), "age": rng.integers(18, 90, n), "income": rng.normal(50_000, 12_000, n).round(2),
        "country": rng.choice(["DE", "FR", "US"], n), "start": start.strftime("%Y-%m-%d"),
        "end": (start + pd.to_timedelta(rng.integers(0, 30, n), unit="D")).strftime("%Y-%m-%d"),
    })
    ref = tmp_path / "ref.csv"
    reference.to_csv(ref, index=False)
    suite = tmp_path / "suite.yaml"
    suggested = aviary("suggest", "--reference", str(ref))
    assert suggested.returncode == 0, suggested.stderr
    suite.write_text(suggested.stdout)
    passed = aviary("check", "--suite", str(suite), "--data", str(ref))
    assert passed.returncode == 0, passed.stdout

    corrupted = reference.copy()
    corrupted.loc[3, "id"] = corrupted.loc[4, "id"]  # duplicate id
    corrupted.loc[10, "age"] = 240  # out of range
    corrupted.loc[11, "country"] = "XX"  # unseen category
    corrupted.loc[12, "end"] = "2023-01-01"  # ends before it starts
    corrupted.loc[13:20, "income"] = np.nan  # missing where there was none
    bad = tmp_path / "bad.csv"
    corrupted.to_csv(bad, index=False)
    out = tmp_path / "result.json"
    failed = aviary("check", "--suite", str(suite), "--data", str(bad), "--json", str(out))
    assert failed.returncode == 1, failed.stdout
    results = {r["summary"]: r for r in json.loads(out.read_text())["results"]}
    failing = {s for s, r in results.items() if not r["passed"]}
    expected = {"unique(id)", "start <= end", "not_null(income)"} | {
        next(s for s in results if s.startswith(prefix)) for prefix in ("range(age)", "allowed_values(country)", "range(end)")}
    assert failing == expected
    assert results["not_null(income)"]["failing_rows"] == 8
    assert results["start <= end"]["examples"][0]["row"] == 13


@pytest.mark.parametrize("case", ["ragged", "empty", "binary", "unknown-column-in-suite", "unknown-test", "missing-file", "header-only"])
def test_bad_inputs_exit_2_with_one_line(tmp_path, case):
    good = tmp_path / "good.csv"
    good.write_text("a,b\n1,x\n2,y\n3,z\n")
    target = tmp_path / "input.csv"
    args = ["drift", "--reference", str(good), "--current", str(target)]
    if case == "ragged":
        target.write_text("a,b\n1,x\n2\n")
    elif case == "empty":
        target.write_text("")
    elif case == "binary":
        target.write_bytes(bytes(range(256)) * 20)
    elif case == "header-only":
        target.write_text("a,b\n")
    elif case == "unknown-column-in-suite":
        suite = tmp_path / "suite.yaml"
        suite.write_text("rules:\n  - {rule: not_null, column: nope}\n")
        args = ["check", "--suite", str(suite), "--data", str(good)]
    elif case == "unknown-test":
        args = ["drift", "--reference", str(good), "--current", str(good), "--stattest", "a=bogus"]
    elif case == "missing-file":
        args = ["drift", "--reference", str(good), "--current", str(tmp_path / "nope.csv")]
    done = aviary(*args)
    assert done.returncode == 2, (done.stdout, done.stderr)
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), done.stderr


def test_profiles_match_pandas(tmp_path):
    rng = np.random.default_rng(11)
    n = 2_345
    data = pd.DataFrame({
        "x": rng.normal(3, 2, n), "k": rng.integers(0, 40, n), "colour": rng.choice(["red", "green", "blue", "teal"], n, p=[.4, .3, .2, .1]),
    })
    data.loc[rng.random(n) < 0.05, "x"] = np.nan
    data.loc[rng.random(n) < 0.02, "colour"] = np.nan
    path, out = tmp_path / "data.csv", tmp_path / "profile.json"
    data.to_csv(path, index=False)
    done = aviary("profile", "--data", str(path), "--json", str(out))
    assert done.returncode == 0, done.stderr
    profiles = {p["column"]: p for p in json.loads(out.read_text())}
    for column in ("x", "k"):
        described = data[column].describe()
        got = profiles[column]
        assert got["count"] == described["count"] and got["missing"] == data[column].isna().sum()
        assert got["distinct"] == data[column].nunique()
        for ours, theirs in [("min", "min"), ("max", "max"), ("mean", "mean"), ("std", "std")]:
            assert math.isclose(got[ours], described[theirs], rel_tol=1e-9), (column, ours)
        for q in ("25%", "50%", "75%"):
            assert math.isclose(got["quantiles"][q], described[q], rel_tol=1e-12), (column, q)
        assert sum(got["histogram"]["counts"]) == described["count"]
    counts = data["colour"].value_counts()
    assert profiles["colour"]["missing"] == data["colour"].isna().sum()
    assert [(t["value"], t["count"]) for t in profiles["colour"]["top"]] == list(counts.items())
