"""Model registry through the official client: registered models, versions, aliases, stages,
tags, search and paging, download URIs, and MLflow's error codes. No model library is needed:
versions point at artifacts a run logged (log_model with sklearn/xgboost comes later)."""

import uuid

import mlflow
import pytest
from mlflow.exceptions import MlflowException

from compat_helpers import RUNNING_AGAINST_PEER


def _name() -> str:
    return f"compat-model-{uuid.uuid4().hex[:10]}"


@pytest.fixture
def run_with_model(client, experiment_id):
    """A finished run holding a small 'model' folder in its artifacts."""
    run = client.create_run(experiment_id)
    client.log_text(run.info.run_id, "weights", "model/weights.txt")
    client.set_terminated(run.info.run_id)
    return run


def _versions(client, name, count, run):
    client.create_registered_model(name)
    return [client.create_model_version(name, f"runs:/{run.info.run_id}/model", run_id=run.info.run_id) for _ in range(count)]


def test_create_and_get_registered_model(client):
    name = _name()
    created = client.create_registered_model(name, tags={"team": "birds"}, description="first")
    got = client.get_registered_model(name)
    assert (got.name, got.description, got.tags) == (name, "first", {"team": "birds"})
    assert got.creation_timestamp == created.creation_timestamp and got.creation_timestamp > 0
    assert got.latest_versions == [] and got.aliases == {}


def test_versions_are_numbered_and_never_reused(client, run_with_model):
    name = _name()
    versions = _versions(client, name, 3, run_with_model)
    assert [v.version for v in versions] == ["1", "2", "3"]
    first = client.get_model_version(name, "1")
    assert first.current_stage == "None" and first.status == "READY"
    assert first.run_id == run_with_model.info.run_id
    assert first.source == f"runs:/{run_with_model.info.run_id}/model"
    client.delete_model_version(name, "3")
    assert client.create_model_version(name, first.source, run_id=first.run_id).version == "4"


def test_download_uri_is_the_concrete_artifact_location(client, run_with_model):
    name = _name()
    _versions(client, name, 1, run_with_model)
    uri = client.get_model_version_download_uri(name, "1")
    # mlflow server hands back the runs:/ source; Aviary resolves it to where the files are,
    # as the registry issue asks, so a client downloads without another lookup.
    expected = f"runs:/{run_with_model.info.run_id}/model" if RUNNING_AGAINST_PEER else f"{run_with_model.info.artifact_uri}/model"
    assert uri == expected
    path = mlflow.artifacts.download_artifacts(artifact_uri=f"models:/{name}/1")
    assert open(f"{path}/weights.txt").read() == "weights"


def test_aliases_set_move_resolve_delete(client, run_with_model):
    name = _name()
    _versions(client, name, 3, run_with_model)
    client.set_registered_model_alias(name, "champion", "1")
    client.set_registered_model_alias(name, "challenger", "2")
    assert client.get_model_version_by_alias(name, "champion").version == "1"
    client.set_registered_model_alias(name, "champion", "3")  # move
    assert client.get_model_version_by_alias(name, "champion").version == "3"
    model = client.get_registered_model(name)
    assert model.aliases == {"champion": "3", "challenger": "2"}
    assert client.get_model_version(name, "3").aliases == ["champion"]
    path = mlflow.artifacts.download_artifacts(artifact_uri=f"models:/{name}@challenger")
    assert open(f"{path}/weights.txt").read() == "weights"
    client.delete_registered_model_alias(name, "challenger")
    with pytest.raises(MlflowException) as e:
        client.get_model_version_by_alias(name, "challenger")
    assert e.value.error_code == "INVALID_PARAMETER_VALUE"  # mlflow's code for an unknown alias
    # Deleting a version removes the aliases pointing at it.
    client.delete_model_version(name, "3")
    assert client.get_registered_model(name).aliases == {}


@pytest.mark.parametrize("alias", ["latest", "LATEST", "v1", "V12", "bad alias", "a/b", ""])
def test_reserved_and_invalid_aliases(client, run_with_model, alias):
    name = _name()
    _versions(client, name, 1, run_with_model)
    with pytest.raises(MlflowException) as e:
        client.set_registered_model_alias(name, alias, "1")
    assert e.value.error_code == "INVALID_PARAMETER_VALUE"


def test_transition_stage_with_archive_existing_versions(client, run_with_model):
    name = _name()
    _versions(client, name, 3, run_with_model)
    client.transition_model_version_stage(name, "1", "Production")
    client.transition_model_version_stage(name, "2", "staging")
    moved = client.transition_model_version_stage(name, "3", "Production", archive_existing_versions=True)
    assert moved.current_stage == "Production"
    stages = {v.version: v.current_stage for v in client.search_model_versions(f"name = '{name}'")}
    assert stages == {"1": "Archived", "2": "Staging", "3": "Production"}
    latest = {v.current_stage: v.version for v in client.get_latest_versions(name)}
    assert latest == {"Archived": "1", "Staging": "2", "Production": "3"}
    assert [v.version for v in client.get_latest_versions(name, stages=["Production"])] == ["3"]
    with pytest.raises(MlflowException) as e:
        client.transition_model_version_stage(name, "1", "Nowhere")
    assert e.value.error_code == "INVALID_PARAMETER_VALUE"


def test_tags_and_descriptions(client, run_with_model):
    name = _name()
    _versions(client, name, 1, run_with_model)
    client.set_registered_model_tag(name, "owner", "ana")
    client.set_model_version_tag(name, "1", "validated", "yes")
    client.update_registered_model(name, description="model text")
    client.update_model_version(name, "1", description="version text")
    model = client.get_registered_model(name)
    version = client.get_model_version(name, "1")
    assert (model.tags, model.description) == ({"owner": "ana"}, "model text")
    assert (version.tags, version.description) == ({"validated": "yes"}, "version text")
    client.delete_registered_model_tag(name, "owner")
    client.delete_model_version_tag(name, "1", "validated")
    assert client.get_registered_model(name).tags == {}
    assert client.get_model_version(name, "1").tags == {}


def test_rename_carries_versions_and_aliases(client, run_with_model):
    name, new_name = _name(), _name()
    _versions(client, name, 2, run_with_model)
    client.set_registered_model_alias(name, "champion", "2")
    client.set_model_version_tag(name, "2", "k", "v")
    client.rename_registered_model(name, new_name)
    assert client.get_model_version_by_alias(new_name, "champion").version == "2"
    assert client.get_model_version(new_name, "2").tags == {"k": "v"}
    with pytest.raises(MlflowException) as e:
        client.get_registered_model(name)
    assert e.value.error_code == "RESOURCE_DOES_NOT_EXIST"


def test_delete_registered_model(client, run_with_model):
    name = _name()
    _versions(client, name, 2, run_with_model)
    client.delete_registered_model(name)
    with pytest.raises(MlflowException) as e:
        client.get_model_version(name, "1")
    assert e.value.error_code == "RESOURCE_DOES_NOT_EXIST"


def test_search_registered_models_filter_order_paging(client):
    prefix = f"compat-search-{uuid.uuid4().hex[:8]}"
    names = [f"{prefix}-{i}" for i in range(7)]
    for index, name in enumerate(names):
        client.create_registered_model(name, tags={"parity": "even" if index % 2 == 0 else "odd"})
    found = client.search_registered_models(f"name LIKE '{prefix}-%'", order_by=["name DESC"])
    assert [m.name for m in found] == list(reversed(names))
    even = client.search_registered_models(f"name LIKE '{prefix}-%' AND tags.parity = 'even'")
    assert [m.name for m in even] == names[0::2]
    assert [m.name for m in client.search_registered_models(f"name = '{names[3]}'")] == [names[3]]
    seen, token = [], None
    while True:
        page = client.search_registered_models(f"name LIKE '{prefix}-%'", max_results=3, page_token=token)
        seen += [m.name for m in page]
        token = page.token
        if not token:
            break
    assert seen == names


def test_search_model_versions_filters(client, run_with_model, experiment_id):
    name = _name()
    _versions(client, name, 3, run_with_model)
    other = client.create_run(experiment_id)
    client.log_text(other.info.run_id, "w", "model/w.txt")
    client.create_model_version(name, f"runs:/{other.info.run_id}/model", run_id=other.info.run_id)
    client.set_model_version_tag(name, "2", "validated", "yes")
    by_run = client.search_model_versions(f"name = '{name}' AND run_id = '{other.info.run_id}'")
    assert [v.version for v in by_run] == ["4"]
    by_tag = client.search_model_versions(f"name = '{name}' AND tags.validated = 'yes'")
    assert [v.version for v in by_tag] == ["2"]
    ordered = client.search_model_versions(f"name = '{name}'", order_by=["version_number ASC"])
    assert [v.version for v in ordered] == ["1", "2", "3", "4"]
    newest = client.search_model_versions(f"name = '{name}' AND version_number > 2", order_by=["version_number DESC"])
    assert [v.version for v in newest] == ["4", "3"]
    in_runs = client.search_model_versions(f"run_id IN ('{run_with_model.info.run_id}') AND name = '{name}'")
    assert sorted(v.version for v in in_runs) == ["1", "2", "3"]
    seen, token = [], None
    while True:
        page = client.search_model_versions(f"name = '{name}'", max_results=3, order_by=["version_number ASC"], page_token=token)
        seen += [v.version for v in page]
        token = page.token
        if not token:
            break
    assert seen == ["1", "2", "3", "4"]


def test_registry_errors(client, run_with_model):
    name = _name()
    rid = run_with_model.info.run_id
    _versions(client, name, 1, run_with_model)
    cases = [
        (lambda: client.get_registered_model(_name()), "RESOURCE_DOES_NOT_EXIST"),
        (lambda: client.get_model_version(name, "99"), "RESOURCE_DOES_NOT_EXIST"),
        (lambda: client.create_registered_model(name), "RESOURCE_ALREADY_EXISTS"),
        (lambda: client.create_registered_model("bad/name"), "INVALID_PARAMETER_VALUE"),
        (lambda: client.create_registered_model("bad:name"), "INVALID_PARAMETER_VALUE"),
        (lambda: client.search_registered_models("name >> 'x'"), "INVALID_PARAMETER_VALUE"),
        (lambda: client.search_model_versions("colour = 'red'"), "INVALID_PARAMETER_VALUE"),
        (lambda: client.create_model_version(_name(), f"runs:/{rid}/model", run_id=rid), "RESOURCE_DOES_NOT_EXIST"),
        # A runs:/ source must name the run given as run_id.
        (lambda: client.create_model_version(name, "runs:/abc/model"), "INVALID_PARAMETER_VALUE"),
        (lambda: client.create_model_version(name, f"runs:/{rid}/model", run_id="0" * 32), "INVALID_PARAMETER_VALUE"),
    ]
    for call, code in cases:
        with pytest.raises(MlflowException) as e:
            call()
        assert e.value.error_code == code, (code, e.value.message)
