"""`aviary predict` and `aviary serve` on XGBoost and LightGBM models trained here with a fixed
seed. Every model is saved as a bare file and logged (and registered) with the official client.
Aviary's predictions, through the CLI, the MLflow scoring protocol (/invocations) and the Open
Inference Protocol v2, must match the library's own booster.predict to 1e-5 on 1,200 rows with 2%
missing values. Malformed requests get a 4xx with a JSON message and the server keeps serving.
Aviary's own commands, so the module is skipped against the peer."""

from __future__ import annotations

import csv
import io
import json
import math
import os
import signal
import socket
import subprocess
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import mlflow
import numpy as np
import pytest
from mlflow import MlflowClient
from mlflow.models import infer_signature

from compat_helpers import AVIARY_BIN, RUNNING_AGAINST_PEER, RawResponse, free_port, raw_request

pytestmark = pytest.mark.skipif(RUNNING_AGAINST_PEER or not AVIARY_BIN, reason="Aviary's own commands")

xgb = pytest.importorskip("xgboost")
lgb = pytest.importorskip("lightgbm")
pd = pytest.importorskip("pandas")
LIBRARIES = {"xgboost": xgb, "lightgbm": lgb}

N_FEATURES = 12
COLUMNS = [f"f{i}" for i in range(N_FEATURES)]
CATEGORICAL = 11  # column f11 holds integer category codes 0..N_CATEGORIES-1 (as floats) in every data set
N_CATEGORIES = 6
CATEGORY_EFFECT = np.array([0.8, -0.5, 0.2, -1.0, 1.2, 0.0, 0.0])  # the last entry: code missing
TRAIN_ROWS, SCORE_ROWS = 2000, 1200
NAN_FRACTION = 0.02
ATOL = 1e-5
SEED = 20240611
# Bodies and CSVs give a named model its columns in this order, not the model's own.
SHUFFLED = [f"f{i}" for i in (7, 2, 11, 0, 5, 9, 1, 10, 4, 3, 8, 6)]
# Header of the CSVs for models without feature names: the names are ignored, positions count.
POSITIONAL = [f"x{i}" for i in range(N_FEATURES)]
NAN_MARKERS = ("", "NaN", "nan")  # CSV spellings of a missing value, used in turn
# A request body over the serving limit that would otherwise be valid.
OVERSIZED_BYTES = 20 * 1024 * 1024 + 1024


@dataclass(frozen=True)
class Spec:
    key: str  # also the model name given to `aviary serve --name`
    library: str  # "xgboost" or "lightgbm"
    target: str  # "binary", "multiclass", "regression" or "count"
    params: dict
    rounds: int
    named: bool = True  # trained on named columns f0..f11; False: a bare numpy matrix
    categorical: bool = False  # f11 is a categorical feature
    model_format: str | None = None  # mlflow.xgboost.log_model's model_format (mlflow's default: ubj)


SPECS = [
    Spec("xgb-binary", "xgboost", "binary", {"objective": "binary:logistic", "max_depth": 5, "eta": 0.1}, 60),
    Spec("xgb-multiclass", "xgboost", "multiclass", {"objective": "multi:softprob", "num_class": 3, "max_depth": 4}, 40, model_format="json"),
    Spec("xgb-regression", "xgboost", "regression", {"objective": "reg:squarederror", "max_depth": 6}, 80, named=False),
    Spec("xgb-poisson", "xgboost", "count", {"objective": "count:poisson", "max_depth": 4}, 60),
    Spec("xgb-dart", "xgboost", "binary", {"booster": "dart", "objective": "binary:logistic", "max_depth": 4, "rate_drop": 0.1}, 50),
    Spec("xgb-categorical", "xgboost", "regression", {"objective": "reg:squarederror", "max_depth": 5, "max_cat_to_onehot": 1}, 60, categorical=True),
    Spec("xgb-logitraw", "xgboost", "binary", {"objective": "binary:logitraw", "max_depth": 3}, 30, named=False),
    Spec("xgb-softmax", "xgboost", "multiclass", {"objective": "multi:softmax", "num_class": 3, "max_depth": 3}, 30),
    Spec("xgb-reg-logistic", "xgboost", "binary", {"objective": "reg:logistic", "max_depth": 3}, 30),
    Spec("lgb-binary", "lightgbm", "binary", {"objective": "binary", "num_leaves": 31, "max_depth": 6}, 60),
    Spec("lgb-multiclass", "lightgbm", "multiclass", {"objective": "multiclass", "num_class": 3, "num_leaves": 15}, 40),
    Spec("lgb-regression", "lightgbm", "regression", {"objective": "regression", "num_leaves": 31}, 80, named=False),
    Spec("lgb-categorical", "lightgbm", "binary", {"objective": "binary", "num_leaves": 15, "max_depth": 6, "cat_smooth": 1.0}, 60, categorical=True),
]
SPEC = {spec.key: spec for spec in SPECS}
BARE_FILES = (
    [(s.key, ".json") for s in SPECS if s.library == "xgboost"]
    + [("xgb-binary", ".ubj")]
    + [(s.key, ".txt") for s in SPECS if s.library == "lightgbm"]
)
LOGGED_FORMS = ("alias", "version", "run", "directory")
# The models `aviary serve` runs, and what it is given: a models:/NAME@champion URI or a bare file.
SERVED = {"xgb-multiclass": "alias", "lgb-binary": "alias", "lgb-regression": "alias", "xgb-binary": ".ubj"}
INVOCATION_FORMATS = ("dataframe_split", "dataframe_records", "instances", "instances_records", "inputs", "inputs_columns", "csv")
NAMED_ONLY_FORMATS = {"dataframe_records", "instances_records", "inputs_columns"}
V2_FORMATS = ("columns", "tensor_flat", "tensor_nested")
BAD_TARGET = "lgb-binary"  # the served model the malformed requests go to (named f0..f11, one output)


# -- data and models ------------------------------------------------------------------------------


def make_features(rng, rows: int) -> np.ndarray:
    x = rng.standard_normal((rows, N_FEATURES))
    x[:, CATEGORICAL] = rng.integers(0, N_CATEGORIES, rows)
    x[rng.random(x.shape) < NAN_FRACTION] = np.nan
    return x


def make_labels(rng, x: np.ndarray) -> dict[str, np.ndarray]:
    """A non-linear score (with a non-monotone category effect) and the four targets made from it."""
    z = np.nan_to_num(x)
    codes = np.where(np.isnan(x[:, CATEGORICAL]), N_CATEGORIES, np.nan_to_num(x[:, CATEGORICAL])).astype(int)
    score = (z[:, 0] + 0.8 * z[:, 1] - z[:, 2] * z[:, 3] + 0.5 * np.sin(3 * z[:, 4]) + 0.3 * z[:, 5] ** 2
             + 0.5 * z[:, 6] * z[:, 7] + CATEGORY_EFFECT[codes] + 0.3 * rng.standard_normal(len(x)))
    return {
        "binary": (score > 0.2).astype(np.float64),
        "multiclass": np.digitize(score, np.quantile(score, [1 / 3, 2 / 3])).astype(np.float64),
        "regression": score,
        "count": rng.poisson(np.exp(0.3 * np.clip(score, -4, 4))).astype(np.float64),
    }


def xgb_matrix(spec: Spec, x: np.ndarray, label=None):
    return xgb.DMatrix(
        x, label=label, missing=np.nan,
        feature_names=COLUMNS if spec.named else None,
        feature_types=["q"] * CATEGORICAL + ["c"] if spec.categorical else None,
        enable_categorical=spec.categorical,
    )


def lgb_input(spec: Spec, x: np.ndarray):
    return pd.DataFrame(x, columns=COLUMNS) if spec.named else x


def train(spec: Spec, x: np.ndarray, y: np.ndarray):
    if spec.library == "xgboost":
        return xgb.train({**spec.params, "seed": 0}, xgb_matrix(spec, x, y), spec.rounds)
    data = lgb.Dataset(lgb_input(spec, x), label=y, categorical_feature=[CATEGORICAL] if spec.categorical else "auto")
    return lgb.train({**spec.params, "seed": 0, "deterministic": True, "force_row_wise": True, "verbose": -1}, data, spec.rounds)


def library_predict(spec: Spec, booster, x: np.ndarray) -> np.ndarray:
    """The library's own prediction: the reference Aviary must match."""
    if spec.library == "xgboost":
        return booster.predict(xgb_matrix(spec, x)).astype(np.float64)
    return np.asarray(booster.predict(lgb_input(spec, x)), dtype=np.float64)


@dataclass
class Trained:
    spec: Spec
    booster: object
    expected: np.ndarray  # library_predict on the scoring rows: (n,) or (n, classes)
    files: dict[str, Path]  # bare model files by extension


@dataclass
class Logged:
    name: str  # registered model (version 1, alias champion)
    run_id: str


@pytest.fixture(scope="module")
def data():
    rng = np.random.default_rng(SEED)
    x_train = make_features(rng, TRAIN_ROWS)
    labels = make_labels(rng, x_train)
    return {"x_train": x_train, "labels": labels, "x_score": make_features(rng, SCORE_ROWS)}


@pytest.fixture(scope="module")
def workdir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("serving")


@pytest.fixture(scope="module")
def trained(data, workdir) -> dict[str, Trained]:
    models = {}
    for spec in SPECS:
        booster = train(spec, data["x_train"], data["labels"][spec.target])
        files = {}
        for key, ext in BARE_FILES:
            if key == spec.key:
                files[ext] = workdir / f"{spec.key}{ext}"
                booster.save_model(str(files[ext]))
        models[spec.key] = Trained(spec, booster, library_predict(spec, booster, data["x_score"]), files)
    return models


@pytest.fixture(scope="module")
def score_csv(data, workdir) -> dict[bool, Path]:
    """The scoring rows as CSV, by `named`: shuffled named columns, or positional columns."""
    paths = {}
    for named in (True, False):
        paths[named] = workdir / ("named.csv" if named else "positional.csv")
        paths[named].write_text(csv_text(data["x_score"], named))
    return paths


@pytest.fixture(scope="module")
def logged(server, data, trained) -> dict[str, Logged]:
    """Every model logged with mlflow.<flavor>.log_model, registered, version 1 aliased champion."""
    client = MlflowClient()
    mlflow.set_experiment(f"compat-serving-{uuid.uuid4().hex[:8]}")
    suffix = uuid.uuid4().hex[:8]
    models = {}
    for spec in SPECS:
        model = trained[spec.key]
        example = data["x_train"][:5]
        example_input = pd.DataFrame(example, columns=COLUMNS) if spec.named else example
        # xgboost 3.1 does not take pandas 3 column names, so mlflow's own signature inference
        # fails for named Boosters; give the signature the client would infer from the library.
        signature = infer_signature(example_input, library_predict(spec, model.booster, example))
        name = f"serve-{spec.key}-{suffix}"
        flavor = mlflow.xgboost if spec.library == "xgboost" else mlflow.lightgbm
        extra = {"model_format": spec.model_format} if spec.model_format else {}
        # pip_requirements given: mlflow then skips inferring them (about 3 s a model).
        with mlflow.start_run() as run:
            flavor.log_model(
                model.booster, name="model", input_example=example_input, signature=signature,
                registered_model_name=name, pip_requirements=[f"{spec.library}=={LIBRARIES[spec.library].__version__}"], **extra,
            )
        client.set_registered_model_alias(name, "champion", "1")
        models[spec.key] = Logged(name, run.info.run_id)
    return models


# -- requests and files ---------------------------------------------------------------------------


def rows_of(x: np.ndarray, columns: list[str], missing) -> list[list]:
    """x's rows as lists with the given columns in that order; NaN becomes `missing`."""
    order = [COLUMNS.index(c) for c in columns]
    return [[missing if math.isnan(v) else v for v in row] for row in x[:, order].tolist()]


def csv_text(x: np.ndarray, named: bool) -> str:
    """Header plus rows (shortest round-trip decimals); missing values cycle through NAN_MARKERS."""
    header = SHUFFLED if named else POSITIONAL
    lines, missing = [",".join(header)], 0
    for row in rows_of(x, SHUFFLED if named else COLUMNS, None):
        cells = []
        for v in row:
            if v is None:
                cells.append(NAN_MARKERS[missing % len(NAN_MARKERS)])
                missing += 1
            else:
                cells.append(repr(v))
        lines.append(",".join(cells))
    return "\n".join(lines) + "\n"


def output_header(expected: np.ndarray) -> list[str]:
    return ["prediction"] if expected.ndim == 1 else [f"prediction_{i}" for i in range(expected.shape[1])]


def read_predictions(path: Path, expected: np.ndarray) -> np.ndarray:
    rows = list(csv.reader(io.StringIO(path.read_text())))
    assert rows and rows[0] == output_header(expected), rows[:1]
    values = np.array([[float(v) for v in row] for row in rows[1:]], dtype=np.float64)
    assert values.shape == (expected.shape[0], len(rows[0])), values.shape
    return values[:, 0] if expected.ndim == 1 else values


def assert_matches(got, expected: np.ndarray, what: str) -> None:
    got = np.asarray(got, dtype=np.float64)
    assert got.shape == expected.shape, (what, got.shape, expected.shape)
    np.testing.assert_allclose(got, expected, rtol=0, atol=ATOL, err_msg=what)


def invocation_body(fmt: str, x: np.ndarray, named: bool) -> tuple[str, str]:
    """(body, content type) of one MLflow scoring request for all rows of x. JSON bodies use
    null for a missing value in some formats and the NaN literal in the others."""
    columns = SHUFFLED if named else POSITIONAL
    nan = float("nan")
    if fmt == "csv":
        return csv_text(x, named), "text/csv"
    if fmt == "dataframe_split":
        payload = {"dataframe_split": {"columns": columns, "data": rows_of(x, SHUFFLED if named else COLUMNS, nan)}}
    elif fmt == "dataframe_records":
        payload = {"dataframe_records": [dict(zip(SHUFFLED, row)) for row in rows_of(x, SHUFFLED, None)]}
    elif fmt == "instances":
        payload = {"instances": rows_of(x, COLUMNS, None)}
    elif fmt == "instances_records":
        payload = {"instances": [dict(zip(SHUFFLED, row)) for row in rows_of(x, SHUFFLED, nan)]}
    elif fmt == "inputs":
        payload = {"inputs": rows_of(x, COLUMNS, nan)}
    elif fmt == "inputs_columns":
        payload = {"inputs": {c: [None if math.isnan(v) else v for v in x[:, COLUMNS.index(c)].tolist()] for c in SHUFFLED}}
    else:
        raise AssertionError(fmt)
    return json.dumps(payload), "application/json"


def v2_body(fmt: str, x: np.ndarray) -> str:
    n = len(x)
    if fmt == "columns":
        inputs = [{"name": c, "shape": [n], "datatype": "FP64", "data": [r[0] for r in rows_of(x, [c], None)]} for c in SHUFFLED]
    elif fmt == "tensor_flat":
        inputs = [{"name": "batch", "shape": [n, N_FEATURES], "datatype": "FP64",
                   "data": [v for row in rows_of(x, COLUMNS, float("nan")) for v in row]}]
    elif fmt == "tensor_nested":
        inputs = [{"name": "batch", "shape": [n, N_FEATURES], "datatype": "FP64", "data": rows_of(x, COLUMNS, None)}]
    else:
        raise AssertionError(fmt)
    return json.dumps({"inputs": inputs})


def predictions_of(resp: RawResponse, what: str) -> np.ndarray:
    assert resp.status == 200, (what, resp.status, resp.text[:500])
    body = resp.json()
    assert isinstance(body, dict) and "predictions" in body, (what, resp.text[:500])
    return np.asarray(body["predictions"], dtype=np.float64)


def v2_predictions_of(resp: RawResponse, name: str, expected: np.ndarray, what: str) -> np.ndarray:
    assert resp.status == 200, (what, resp.status, resp.text[:500])
    body = resp.json()
    assert body["model_name"] == name, body.get("model_name")
    [output] = body["outputs"]
    assert output["name"] == "predictions" and output["datatype"] in ("FP32", "FP64"), {k: output.get(k) for k in ("name", "datatype", "shape")}
    assert output["shape"] == list(expected.shape), output["shape"]
    assert len(output["data"]) == expected.size, len(output["data"])
    return np.asarray(output["data"], dtype=np.float64).reshape(expected.shape)


def cli_env(tracking_uri: str | None = None) -> dict[str, str]:
    """The environment without MLFLOW_TRACKING_URI (the suite sets it), unless one is given."""
    env = {k: v for k, v in os.environ.items() if k != "MLFLOW_TRACKING_URI"}
    if tracking_uri:
        env["MLFLOW_TRACKING_URI"] = tracking_uri
    return env


def run_predict(model, input_csv, output_csv, *extra: str, env_uri: str | None = None) -> subprocess.CompletedProcess:
    args = [AVIARY_BIN, "predict", str(model), "--input", str(input_csv), "--output", str(output_csv), *extra]
    return subprocess.run(args, capture_output=True, text=True, timeout=300, env=cli_env(env_uri))


# -- aviary serve ---------------------------------------------------------------------------------


class Serving:
    """One `aviary serve` process in its own process group, on a free port, output in a log file."""

    def __init__(self, source: str, name: str, log_path: Path, tracking_uri: str, timeout: float = 60.0):
        self.name = name
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = log_path
        args = [AVIARY_BIN, "serve", source, "--host", "127.0.0.1", "--port", str(self.port),
                "--name", name, "--tracking-uri", tracking_uri]
        with open(log_path, "wb") as log:
            self.proc = subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                         env=cli_env(), start_new_session=True)
        self.wait_ready(timeout)

    def wait_ready(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"aviary serve exited with {self.proc.returncode}:\n{self.log_tail()}")
            try:
                if raw_request(self.url, "GET", "/ping", timeout=2).status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"aviary serve not ready after {timeout:.0f}s:\n{self.log_tail()}")

    def log_tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"

    def stop(self) -> None:
        for sig, wait in ((signal.SIGTERM, 15), (signal.SIGKILL, 30)):
            try:
                os.killpg(self.proc.pid, sig)
            except ProcessLookupError:
                pass
            try:
                self.proc.wait(timeout=wait)
                return
            except subprocess.TimeoutExpired:
                continue

    def request(self, method: str, path: str, body: str | bytes | None = None,
                content_type: str = "application/json") -> RawResponse:
        headers = {"Content-Type": content_type} if body is not None else {}
        return raw_request(self.url, method, path, body, headers, timeout=120)


@pytest.fixture(scope="module")
def served(server, trained, logged, workdir):
    """served(key): the running `aviary serve` of one SERVED model, started on first use."""
    running: dict[str, Serving] = {}

    def get(key: str) -> Serving:
        if key not in running:
            how = SERVED[key]
            source = f"models:/{logged[key].name}@champion" if how == "alias" else str(trained[key].files[how])
            running[key] = Serving(source, key, workdir / f"serve-{key}.log", server.url)
        return running[key]

    yield get
    for process in running.values():
        process.stop()


def post_oversized(url: str, path: str, body: bytes) -> int | None:
    """POSTs body on a raw socket; returns the reply's status code, or None without a reply.
    A server may answer a too-large body before reading it and then close, which makes
    http.client lose the reply, so a failed send is ignored and the reply read anyway."""
    parts = urlsplit(url)
    head = (f"POST {path} HTTP/1.1\r\nHost: {parts.netloc}\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n").encode()
    reply = b""
    with socket.create_connection((parts.hostname, parts.port), timeout=30) as sock:
        try:
            sock.sendall(head + body)
        except OSError:  # reset, broken pipe, or a server that stopped reading
            pass
        try:
            while b"\r\n" not in reply and (chunk := sock.recv(65536)):
                reply += chunk
        except OSError:
            pass
    status = reply.split(b"\r\n", 1)[0].split()
    return int(status[1]) if len(status) >= 2 and status[0].startswith(b"HTTP/") else None


# -- aviary predict -------------------------------------------------------------------------------


@pytest.mark.parametrize("key,ext", BARE_FILES, ids=[f"{k}{e}" for k, e in BARE_FILES])
def test_predict_bare_file_matches_library(trained, score_csv, tmp_path, key, ext):
    model = trained[key]
    out = tmp_path / "out.csv"
    done = run_predict(model.files[ext], score_csv[model.spec.named], out)
    assert done.returncode == 0, done.stderr
    assert_matches(read_predictions(out, model.expected), model.expected, f"{key}{ext}")


@pytest.mark.parametrize("form", LOGGED_FORMS)
@pytest.mark.parametrize("key", list(SPEC))
def test_predict_logged_model_matches_library(server, trained, logged, score_csv, tmp_path, key, form):
    model, entry = trained[key], logged[key]
    extra = ["--tracking-uri", server.url]
    if form == "alias":
        source = f"models:/{entry.name}@champion"
    elif form == "version":
        source = f"models:/{entry.name}/1"
    elif form == "run":
        source = f"runs:/{entry.run_id}/model"
    else:  # the MLflow model directory, downloaded: no tracking server needed
        source = mlflow.artifacts.download_artifacts(artifact_uri=f"models:/{entry.name}/1", dst_path=str(tmp_path / "model"))
        assert (Path(source) / "MLmodel").is_file()
        extra = []
    out = tmp_path / "out.csv"
    done = run_predict(source, score_csv[model.spec.named], out, *extra)
    assert done.returncode == 0, done.stderr
    assert_matches(read_predictions(out, model.expected), model.expected, f"{key} {source}")


def test_predict_takes_tracking_uri_from_environment(server, trained, logged, score_csv, tmp_path):
    model, entry = trained["lgb-multiclass"], logged["lgb-multiclass"]
    out = tmp_path / "out.csv"
    done = run_predict(f"models:/{entry.name}@champion", score_csv[True], out, env_uri=server.url)
    assert done.returncode == 0, done.stderr
    assert_matches(read_predictions(out, model.expected), model.expected, "MLFLOW_TRACKING_URI")


def test_logged_models_cover_both_xgboost_formats_and_lightgbm_text(logged, tmp_path):
    """Guards the suite itself: mlflow stored the formats the tests above mean to exercise."""
    for key, data_file in (("xgb-binary", "model.ubj"), ("xgb-multiclass", "model.json"), ("lgb-binary", "model.lgb")):
        local = Path(mlflow.artifacts.download_artifacts(artifact_uri=f"models:/{logged[key].name}/1", dst_path=str(tmp_path / key)))
        assert (local / data_file).is_file(), (key, sorted(p.name for p in local.iterdir()))
        assert f"data: {data_file}" in (local / "MLmodel").read_text()


# -- aviary serve: /invocations, /v2 --------------------------------------------------------------


SERVED_INVOCATIONS = [(k, f) for k in SERVED for f in INVOCATION_FORMATS if SPEC[k].named or f not in NAMED_ONLY_FORMATS]
SERVED_V2 = [(k, f) for k in SERVED for f in V2_FORMATS if SPEC[k].named or f != "columns"]


@pytest.mark.parametrize("key,fmt", SERVED_INVOCATIONS, ids=[f"{k}-{f}" for k, f in SERVED_INVOCATIONS])
def test_invocations_match_library(served, data, trained, key, fmt):
    srv, expected = served(key), trained[key].expected
    body, content_type = invocation_body(fmt, data["x_score"], SPEC[key].named)
    resp = srv.request("POST", "/invocations", body, content_type)
    assert_matches(predictions_of(resp, f"{key} {fmt}\n{srv.log_tail()}"), expected, f"{key} {fmt}")


@pytest.mark.parametrize("key,fmt", SERVED_V2, ids=[f"{k}-{f}" for k, f in SERVED_V2])
def test_v2_infer_matches_library(served, data, trained, key, fmt):
    srv, expected = served(key), trained[key].expected
    resp = srv.request("POST", f"/v2/models/{srv.name}/infer", v2_body(fmt, data["x_score"]))
    got = v2_predictions_of(resp, srv.name, expected, f"{key} {fmt}\n{srv.log_tail()}")
    assert_matches(got, expected, f"{key} v2 {fmt}")


@pytest.mark.parametrize("key", list(SERVED))
def test_health_version_and_v2_metadata(served, key):
    srv = served(key)
    for path in ("/ping", "/health", "/v2/health/live", "/v2/health/ready", f"/v2/models/{srv.name}/ready"):
        resp = srv.request("GET", path)
        assert resp.status == 200, (path, resp.status, resp.text[:300])
    version = srv.request("GET", "/version")
    assert version.status == 200 and version.text.strip(), (version.status, version.text[:300])
    meta = srv.request("GET", f"/v2/models/{srv.name}")
    assert meta.status == 200, (meta.status, meta.text[:300])
    body = meta.json()
    assert body["name"] == srv.name
    assert isinstance(body["inputs"], list) and body["inputs"], body
    assert "predictions" in [o.get("name") for o in body["outputs"]], body["outputs"]


def test_v2_unknown_model_is_404(served, data):
    srv = served(BAD_TARGET)
    assert srv.request("GET", "/v2/models/no-such-model").status == 404
    assert srv.request("GET", "/v2/models/no-such-model/ready").status == 404
    resp = srv.request("POST", "/v2/models/no-such-model/infer", v2_body("tensor_nested", data["x_score"][:3]))
    assert resp.status == 404, (resp.status, resp.text[:300])


# -- malformed requests ---------------------------------------------------------------------------


VALID_ROW = [0.25 * i - 1.0 for i in range(N_FEATURES)]
VALID_RECORD = dict(zip(COLUMNS, VALID_ROW))


@dataclass(frozen=True)
class Bad:
    id: str
    path: str  # "{name}" is the served model's name
    body: str
    content_type: str = "application/json"
    needles: tuple[str, ...] = ()  # the message must contain one of these (case-insensitive)
    statuses: tuple[int, ...] = (400,)


def split_body(columns, rows) -> str:
    return json.dumps({"dataframe_split": {"columns": columns, "data": rows}})


def v2_columns(record: dict, **override) -> str:
    inputs = [{"name": c, "shape": [1], "datatype": "FP64", "data": [v]} for c, v in record.items()]
    for item in inputs:
        item.update(override.get(item["name"], {}))
    return json.dumps({"inputs": inputs})


def csv_of(header, rows) -> str:
    return "\n".join(",".join(map(str, line)) for line in [header, *rows]) + "\n"


WITHOUT_F5 = {c: v for c, v in VALID_RECORD.items() if c != "f5"}
INFER = "/v2/models/{name}/infer"
BAD_REQUESTS = [
    Bad("invalid-json", "/invocations", '{"dataframe_split": {"columns": ["f0"'),
    Bad("unknown-column", "/invocations", split_body(COLUMNS + ["zz_unknown"], [VALID_ROW + [1.0]]), needles=("zz_unknown",)),
    Bad("missing-column", "/invocations", split_body(list(WITHOUT_F5), [list(WITHOUT_F5.values())]), needles=("f5",)),
    Bad("string-in-numeric-column", "/invocations", json.dumps({"dataframe_records": [{**VALID_RECORD, "f2": "abc"}]}), needles=("f2",)),
    Bad("string-in-csv-column", "/invocations", csv_of(COLUMNS, [[*VALID_ROW[:2], "abc", *VALID_ROW[3:]]]), "text/csv", needles=("f2",)),
    Bad("empty-batch", "/invocations", split_body(COLUMNS, [])),
    Bad("wrong-width-instances", "/invocations", json.dumps({"instances": [VALID_ROW[:-1]]}), needles=("expect",)),
    Bad("unknown-top-level-key", "/invocations", json.dumps({"zz_format": [VALID_ROW]}), needles=("zz_format",)),
    Bad("wrong-content-type", "/invocations", json.dumps({"instances": [VALID_ROW]}), "text/plain",
        needles=("text/plain", "content type", "content-type"), statuses=(400, 415)),
    Bad("v2-invalid-json", INFER, '{"inputs": [{"name": "f0"'),
    Bad("v2-shape-data-mismatch", INFER, v2_columns(VALID_RECORD, f3={"data": [0.5, 0.5]}), needles=("f3",)),
    Bad("v2-tensor-shape-mismatch", INFER,
        json.dumps({"inputs": [{"name": "batch", "shape": [2, N_FEATURES], "datatype": "FP64", "data": VALID_ROW + VALID_ROW[:-1]}]}),
        needles=("batch", "expect")),
    Bad("v2-unknown-datatype", INFER, v2_columns(VALID_RECORD, f2={"datatype": "COMPLEX64"}), needles=("COMPLEX64", "f2")),
    Bad("v2-unknown-column", INFER, v2_columns({**VALID_RECORD, "zz_unknown": 1.0}), needles=("zz_unknown",)),
    Bad("v2-missing-column", INFER, v2_columns(WITHOUT_F5), needles=("f5",)),
    Bad("v2-no-inputs", INFER, json.dumps({"inputs": []}), needles=("inputs",)),
]


def send_bad(srv: Serving, case: Bad) -> RawResponse:
    return srv.request("POST", case.path.format(name=srv.name), case.body, case.content_type)


@pytest.mark.parametrize("case", BAD_REQUESTS, ids=[c.id for c in BAD_REQUESTS])
def test_malformed_request_gets_4xx_json(served, case):
    srv = served(BAD_TARGET)
    resp = send_bad(srv, case)
    assert resp.status in case.statuses, (resp.status, resp.text[:500])
    assert resp.is_json(), resp.text[:500]
    body = resp.json()
    if case.path == "/invocations":
        message = body.get("message")
        if resp.status == 400:
            assert body.get("error_code") == "BAD_REQUEST", body
    else:
        message = body.get("error")
    assert isinstance(message, str) and message, body
    assert not case.needles or any(n.lower() in message.lower() for n in case.needles), (case.needles, message)
    assert srv.request("GET", "/ping").status == 200, srv.log_tail()


def oversized_body(path: str) -> bytes:
    row = b",".join([b"0.5"] * N_FEATURES)
    if path == "/invocations":
        count = OVERSIZED_BYTES // (len(row) + 3) + 1
        return b'{"instances": [' + b",".join([b"[" + row + b"]"] * count) + b"]}"
    count = OVERSIZED_BYTES // (len(row) + 1) + 1
    head = b'{"inputs": [{"name": "batch", "shape": [%d, %d], "datatype": "FP64", "data": [' % (count, N_FEATURES)
    return head + b",".join([row] * count) + b"]}]}"


@pytest.mark.parametrize("path", ["/invocations", INFER])
def test_oversized_body_is_rejected(served, path):
    srv = served(BAD_TARGET)
    body = oversized_body(path.format(name=srv.name))
    assert len(body) >= OVERSIZED_BYTES
    status = post_oversized(srv.url, path.format(name=srv.name), body)
    assert status in (400, 413), f"status {status} for a {len(body)}-byte body\n{srv.log_tail()}"
    assert srv.request("GET", "/ping").status == 200, srv.log_tail()


def test_still_predicts_after_malformed_requests(served, data, trained):
    srv, model = served(BAD_TARGET), trained[BAD_TARGET]
    for case in BAD_REQUESTS:
        assert 400 <= send_bad(srv, case).status < 500, case.id
    assert post_oversized(srv.url, "/invocations", oversized_body("/invocations")) in (400, 413)
    assert srv.request("GET", "/ping").status == 200, srv.log_tail()
    body, content_type = invocation_body("dataframe_split", data["x_score"], True)
    assert_matches(predictions_of(srv.request("POST", "/invocations", body, content_type), "after"), model.expected, "after")
    got = v2_predictions_of(srv.request("POST", INFER.format(name=srv.name), v2_body("columns", data["x_score"])),
                            srv.name, model.expected, "after")
    assert_matches(got, model.expected, "v2 after")


# -- aviary predict errors ------------------------------------------------------------------------


CLI_ERRORS = [
    # id, model (a SPEC key with a .json/.txt file, or a missing path), input CSV text (None: no file), needles
    ("missing-model", "no-such-model.json", csv_of(COLUMNS, [VALID_ROW]), ("no-such-model.json",)),
    ("missing-input", "xgb-binary", None, ("no-such-input.csv",)),
    ("unknown-column", "xgb-binary", csv_of(COLUMNS + ["zz_unknown"], [VALID_ROW + [1.0]]), ("zz_unknown",)),
    ("missing-column", "lgb-binary", csv_of(list(WITHOUT_F5), [list(WITHOUT_F5.values())]), ("f5",)),
    ("ragged-row", "xgb-binary", csv_of(COLUMNS, [VALID_ROW, VALID_ROW[:-2]]), ()),
    ("not-a-number", "lgb-binary", csv_of(COLUMNS, [[*VALID_ROW[:2], "abc", *VALID_ROW[3:]]]), ("f2",)),
    ("wrong-width-positional", "xgb-regression", csv_of(POSITIONAL[:-1], [VALID_ROW[:-1]]), ()),
]


@pytest.mark.parametrize("model,text,needles", [c[1:] for c in CLI_ERRORS], ids=[c[0] for c in CLI_ERRORS])
def test_predict_error_is_one_line_and_nonzero(trained, tmp_path, model, text, needles):
    if model in SPEC:
        files = trained[model].files
        model = files.get(".json") or files[".txt"]
    else:
        model = tmp_path / model
    source = tmp_path / ("input.csv" if text is not None else "no-such-input.csv")
    if text is not None:
        source.write_text(text)
    done = run_predict(model, source, tmp_path / "out.csv")
    lines = done.stderr.strip().splitlines()
    assert done.returncode != 0, (done.stdout, done.stderr)
    assert len(lines) == 1 and lines[0].startswith("Error:"), done.stderr
    assert not needles or any(n in lines[0] for n in needles), (needles, lines[0])
