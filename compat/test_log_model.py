"""The whole model workflow of the official client with real libraries: log_model with
registered_model_name (three sklearn versions, one XGBoost), aliases, and loading back through
every models:/ form, predicting the same as the trained model."""

import uuid

import mlflow
import numpy as np
import pytest
from mlflow import MlflowClient

sklearn = pytest.importorskip("sklearn")
xgboost = pytest.importorskip("xgboost")
from sklearn.datasets import load_iris  # noqa: E402
from sklearn.linear_model import LogisticRegression  # noqa: E402


@pytest.fixture(scope="module")
def iris():
    features, labels = load_iris(return_X_y=True)
    return features.astype(np.float64), labels


def test_sklearn_versions_aliases_and_every_models_uri(server, iris):
    features, labels = iris
    client = MlflowClient()
    mlflow.set_experiment(f"compat-log-model-{uuid.uuid4().hex[:8]}")
    name = f"iris-{uuid.uuid4().hex[:8]}"
    trained, infos, run_ids = [], [], []
    for c in (0.1, 1.0, 10.0):
        with mlflow.start_run() as run:
            model = LogisticRegression(C=c, max_iter=500).fit(features, labels)
            mlflow.log_param("C", c)
            infos.append(mlflow.sklearn.log_model(model, name="model", registered_model_name=name, input_example=features[:3]))
            trained.append(model)
            run_ids.append(run.info.run_id)
    versions = sorted(client.search_model_versions(f"name = '{name}'"), key=lambda v: int(v.version))
    assert [v.version for v in versions] == ["1", "2", "3"]
    assert [v.run_id for v in versions] == run_ids
    # Each version is stored where its logged model's files are (the client does not read
    # model_id back from the proto, so check the download location instead).
    for version, info in zip(versions, infos):
        assert client.get_model_version_download_uri(name, version.version).endswith(f"/models/{info.model_id}/artifacts")

    client.set_registered_model_alias(name, "champion", "1")
    client.set_registered_model_alias(name, "challenger", "3")
    client.set_registered_model_alias(name, "champion", "2")  # move it
    expected = {
        f"models:/{name}@champion": trained[1],
        f"models:/{name}@challenger": trained[2],
        f"models:/{name}/2": trained[1],
        f"models:/{name}/1": trained[0],
        f"models:/{name}/latest": trained[2],
        f"models:/{infos[0].model_id}": trained[0],
        f"runs:/{run_ids[1]}/model": trained[1],
    }
    for uri, model in expected.items():
        loaded = mlflow.pyfunc.load_model(uri)
        np.testing.assert_array_equal(loaded.predict(features), model.predict(features), err_msg=uri)


def test_lineage_names_the_logged_model(server, iris):
    """Aviary's lineage endpoint leads from a version to its logged model and run."""
    from compat_helpers import RUNNING_AGAINST_PEER
    import requests

    if RUNNING_AGAINST_PEER:
        pytest.skip("Aviary's own endpoint")
    features, labels = iris
    mlflow.set_experiment(f"compat-lineage-{uuid.uuid4().hex[:8]}")
    name = f"lineage-{uuid.uuid4().hex[:8]}"
    with mlflow.start_run() as run:
        mlflow.log_param("C", 1.0)
        info = mlflow.sklearn.log_model(LogisticRegression(max_iter=500).fit(features, labels), name="model", registered_model_name=name)
    lineage = requests.get(f"{server.url}/api/aviary/v1/models/{name}/versions/1/lineage", timeout=30).json()
    assert lineage["logged_model"]["info"]["model_id"] == info.model_id
    assert lineage["run"]["info"]["run_id"] == run.info.run_id
    assert {p["key"]: p["value"] for p in lineage["run"]["data"]["params"]} == {"C": "1.0"}


def test_xgboost_log_model_and_load(server, iris):
    features, labels = iris
    mlflow.set_experiment(f"compat-xgb-{uuid.uuid4().hex[:8]}")
    name = f"xgb-{uuid.uuid4().hex[:8]}"
    model = xgboost.XGBClassifier(n_estimators=20, max_depth=3).fit(features, labels)
    with mlflow.start_run():
        info = mlflow.xgboost.log_model(model, name="model", registered_model_name=name)
    loaded = mlflow.pyfunc.load_model(f"models:/{name}/1")
    np.testing.assert_allclose(loaded.predict(features), model.predict(features))
    native = mlflow.xgboost.load_model(f"models:/{info.model_id}")
    np.testing.assert_allclose(native.predict_proba(features), model.predict_proba(features), rtol=1e-6)


def test_logged_models_api(server, experiment_id):
    client = MlflowClient()
    run = client.create_run(experiment_id)
    model = client.create_logged_model(experiment_id, name="candidate", source_run_id=run.info.run_id, params={"depth": "6"}, tags={"t": "1"})
    assert model.model_id.startswith("m-") and str(model.status) in ("PENDING", "LoggedModelStatus.PENDING")
    client.finalize_logged_model(model.model_id, "READY")
    client.set_logged_model_tags(model.model_id, {"stage": "eval"})
    got = client.get_logged_model(model.model_id)
    assert got.name == "candidate" and got.params == {"depth": "6"} and got.tags == {"t": "1", "stage": "eval"}
    assert got.source_run_id == run.info.run_id
    found = client.search_logged_models(experiment_ids=[experiment_id], filter_string="name = 'candidate'")
    assert [m.model_id for m in found] == [model.model_id]
    client.delete_logged_model_tag(model.model_id, "stage")
    assert client.get_logged_model(model.model_id).tags == {"t": "1"}
    # Metrics logged against the model come back on it, with their dataset.
    client.log_metric(run.info.run_id, "auc", 0.5, step=1, model_id=model.model_id, dataset_name="eval", dataset_digest="d1")
    client.log_metric(run.info.run_id, "auc", 0.75, step=2, model_id=model.model_id, dataset_name="eval", dataset_digest="d1")
    metrics = sorted(client.get_logged_model(model.model_id).metrics, key=lambda m: m.step)
    assert [(m.key, m.value, m.step, m.model_id, m.dataset_name, m.dataset_digest) for m in metrics] == [
        ("auc", 0.5, 1, model.model_id, "eval", "d1"),
        ("auc", 0.75, 2, model.model_id, "eval", "d1"),
    ]
    history = client.get_metric_history(run.info.run_id, "auc")
    assert [m.value for m in history] == [0.5, 0.75]
