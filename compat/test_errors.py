"""Error cases: the client must see MlflowException with MLflow's exact error_code.

``server_error`` also checks that the error came from the server (a
RestException, or a client wrapper whose message starts with the server's
"CODE: ..." text), so a test cannot pass on client-side validation alone.
Cases that real MLflow rejects in the client are marked as such.
"""

import uuid

import pytest
import requests
from mlflow.entities import Metric, Param, RunTag
from mlflow.exceptions import MlflowException, RestException

from compat_helpers import RUNNING_AGAINST_PEER

MISSING_RUN = "0123456789abcdef0123456789abcdef"


def server_error(excinfo, code: str) -> MlflowException:
    err = excinfo.value
    assert err.error_code == code, (err.error_code, err.message)
    assert isinstance(err, RestException) or err.message.startswith(f"{code}:"), (
        "expected the error to come from the server", type(err), err.message)
    return err


@pytest.fixture
def run_id(client, experiment_id):
    return client.create_run(experiment_id).info.run_id


def _store(client):
    """The client's REST store: sends one request, with no client-side chunking."""
    return client._tracking_client.store


# -- unknown entities ---------------------------------------------------------------


@pytest.mark.parametrize("call", [
    lambda c: c.get_run(MISSING_RUN),
    lambda c: c.get_run("abc"),
    lambda c: c.delete_run(MISSING_RUN),
    lambda c: c.restore_run(MISSING_RUN),
    lambda c: c.update_run(MISSING_RUN, status="FINISHED"),
    lambda c: c.log_metric(MISSING_RUN, "m", 1.0),
    lambda c: c.set_tag(MISSING_RUN, "k", "v"),
    lambda c: c.log_batch(MISSING_RUN, metrics=[Metric("m", 1.0, 1, 0)]),
], ids=["get", "get-short-id", "delete", "restore", "update", "log-metric", "set-tag", "log-batch"])
def test_unknown_run(client, call):
    with pytest.raises(MlflowException) as e:
        call(client)
    server_error(e, "RESOURCE_DOES_NOT_EXIST")


def test_unknown_experiment(client):
    for call in (
        lambda: client.get_experiment("987654321"),
        lambda: client.delete_experiment("987654321"),
        lambda: client.restore_experiment("987654321"),
        lambda: client.rename_experiment("987654321", f"x-{uuid.uuid4().hex}"),
        lambda: client.create_run("987654321"),
        lambda: client.set_experiment_tag("987654321", "k", "v"),
    ):
        with pytest.raises(MlflowException) as e:
            call()
        server_error(e, "RESOURCE_DOES_NOT_EXIST")


def test_non_numeric_experiment_id(client):
    with pytest.raises(MlflowException) as e:
        client.get_experiment("abc")
    server_error(e, "INVALID_PARAMETER_VALUE")


def test_get_experiment_by_name_missing_returns_none(client):
    assert client.get_experiment_by_name(f"compat-missing-{uuid.uuid4().hex}") is None


def test_search_runs_in_unknown_experiment_is_empty(client):
    assert client.search_runs(["987654321"]) == []


def test_delete_missing_run_tag(client, run_id):
    with pytest.raises(MlflowException) as e:
        client.delete_tag(run_id, "never-set")
    server_error(e, "RESOURCE_DOES_NOT_EXIST")


# -- search ---------------------------------------------------------------------------


@pytest.mark.parametrize("filter_string", [
    "metrics.x >",                       # missing value
    "foo = 1",                           # unknown attribute
    "params.a = '1' OR params.b = '2'",  # OR is not supported
    "metrics.x = 'a'",                   # string value for a metric
    "params.p = 1",                      # number value for a param
    "metrics.x LIKE '%a'",               # unsupported comparator for a metric
    "metrics.x IS NULL",                 # IS NULL only for tags and params
    "params.p > '1'",                    # unsupported comparator for a param
    "attributes.status > 'A'",           # unsupported comparator for a string attribute
    "tags.t IN ('a')",                   # IN not supported for tags
])
def test_bad_filter(client, experiment_id, filter_string):
    with pytest.raises(MlflowException) as e:
        client.search_runs([experiment_id], filter_string)
    server_error(e, "INVALID_PARAMETER_VALUE")


@pytest.mark.parametrize("order_by", [
    ["metrics.x sideways"],
    ["foo.x"],
    ["metrics.x ASC ASC"],
])
def test_bad_order_by(client, experiment_id, order_by):
    with pytest.raises(MlflowException) as e:
        client.search_runs([experiment_id], order_by=order_by)
    server_error(e, "INVALID_PARAMETER_VALUE")


def test_duplicate_order_by_key(client, experiment_id):
    with pytest.raises(MlflowException) as e:
        client.search_runs([experiment_id], order_by=["metrics.x ASC", "metrics.x DESC"])
    if RUNNING_AGAINST_PEER:
        # Real MLflow raises an MlflowException without a code here: HTTP 500,
        # INTERNAL_ERROR. Aviary must answer 400 INVALID_PARAMETER_VALUE instead.
        assert e.value.error_code == "INTERNAL_ERROR"
    else:
        server_error(e, "INVALID_PARAMETER_VALUE")


def test_max_results_over_limit(client, experiment_id):
    assert client.search_runs([experiment_id], max_results=50_000) == []
    with pytest.raises(MlflowException) as e:
        client.search_runs([experiment_id], max_results=50_001)
    server_error(e, "INVALID_PARAMETER_VALUE")
    with pytest.raises(MlflowException) as e:
        client.search_experiments(max_results=50_001)
    server_error(e, "INVALID_PARAMETER_VALUE")


def test_bad_page_token(client, experiment_id):
    with pytest.raises(MlflowException) as e:
        client.search_runs([experiment_id], page_token="not-a-token")
    server_error(e, "INVALID_PARAMETER_VALUE")
    with pytest.raises(MlflowException) as e:
        client.search_experiments(page_token="not-a-token")
    server_error(e, "INVALID_PARAMETER_VALUE")


def test_bad_search_experiments_filter(client):
    with pytest.raises(MlflowException) as e:
        client.search_experiments(filter_string="name >> 'x'")
    server_error(e, "INVALID_PARAMETER_VALUE")


# -- logging ----------------------------------------------------------------------------


def test_log_batch_over_limits(client, run_id):
    store = _store(client)
    with pytest.raises(MlflowException) as e:
        store.log_batch(run_id, [Metric("m", 1.0, 1, i) for i in range(1001)], [], [])
    server_error(e, "INVALID_PARAMETER_VALUE")
    with pytest.raises(MlflowException) as e:
        store.log_batch(run_id, [], [Param(f"p{i}", "v") for i in range(101)], [])
    server_error(e, "INVALID_PARAMETER_VALUE")
    with pytest.raises(MlflowException) as e:
        store.log_batch(run_id, [], [], [RunTag(f"t{i}", "v") for i in range(101)])
    server_error(e, "INVALID_PARAMETER_VALUE")
    with pytest.raises(MlflowException) as e:  # 1000 metrics + 1 param: 1001 entities
        store.log_batch(run_id, [Metric("m", 1.0, 1, i) for i in range(1000)],
                        [Param("p", "v")], [])
    server_error(e, "INVALID_PARAMETER_VALUE")
    # Nothing from the rejected batches was stored.
    assert client.get_metric_history(run_id, "m") == []
    # Exactly at the limits is fine.
    store.log_batch(run_id, [Metric("m", 1.0, 1, i) for i in range(1000)], [], [])
    store.log_batch(run_id, [], [Param(f"p{i}", "v") for i in range(100)], [])
    assert len(client.get_metric_history(run_id, "m")) == 1000


def test_param_overwrite_with_different_value(client, run_id):
    client.log_param(run_id, "p", "1")
    client.log_param(run_id, "p", "1")  # same value: fine
    with pytest.raises(MlflowException) as e:
        client.log_param(run_id, "p", "2")
    server_error(e, "INVALID_PARAMETER_VALUE")
    with pytest.raises(MlflowException) as e:
        client.log_batch(run_id, params=[Param("p", "3")])
    server_error(e, "INVALID_PARAMETER_VALUE")
    with pytest.raises(MlflowException) as e:  # duplicate keys inside one batch
        client.log_batch(run_id, params=[Param("q", "1"), Param("q", "2")])
    server_error(e, "INVALID_PARAMETER_VALUE")
    assert client.get_run(run_id).data.params == {"p": "1"}


def test_log_to_deleted_run(client, run_id):
    client.delete_run(run_id)
    for call in (
        lambda: client.log_metric(run_id, "m", 1.0),
        lambda: client.log_param(run_id, "p", "v"),
        lambda: client.set_tag(run_id, "t", "v"),
        lambda: client.log_batch(run_id, metrics=[Metric("m", 1.0, 1, 0)]),
    ):
        with pytest.raises(MlflowException) as e:
            call()
        server_error(e, "INVALID_PARAMETER_VALUE")


def test_create_run_in_deleted_experiment(client, experiment_id):
    client.delete_experiment(experiment_id)
    with pytest.raises(MlflowException) as e:
        client.create_run(experiment_id)
    server_error(e, "INVALID_PARAMETER_VALUE")


@pytest.mark.parametrize("kind", ["metric", "param", "tag"])
def test_over_long_key(client, run_id, kind):
    log = {
        "metric": lambda k: client.log_metric(run_id, k, 1.0),
        "param": lambda k: client.log_param(run_id, k, "v"),
        "tag": lambda k: client.set_tag(run_id, k, "v"),
    }[kind]
    log("k" * 250)  # at the limit
    with pytest.raises(MlflowException) as e:
        log("k" * 251)
    server_error(e, "INVALID_PARAMETER_VALUE")


@pytest.mark.parametrize("key", ["../escape", "/absolute", "a/../b", "bad🐦key", "semi;colon", "."])
def test_invalid_key(client, run_id, key):
    with pytest.raises(MlflowException) as e:
        client.log_metric(run_id, key, 1.0)
    server_error(e, "INVALID_PARAMETER_VALUE")
    with pytest.raises(MlflowException) as e:
        client.set_tag(run_id, key, "v")
    server_error(e, "INVALID_PARAMETER_VALUE")


def test_long_values_are_truncated_not_rejected(client, run_id):
    """Real MLflow truncates over-long param (6000) and tag (8000) values server-side."""
    store = _store(client)
    store.log_param(run_id, Param("long_param", "p" * 6001))
    store.set_tag(run_id, RunTag("long_tag", "t" * 8001))
    data = client.get_run(run_id).data
    assert data.params["long_param"] == "p" * 6000
    assert data.tags["long_tag"] == "t" * 8000


# -- experiments ------------------------------------------------------------------------


def test_duplicate_experiment_name(client, experiment_id, exp_name):
    with pytest.raises(MlflowException) as e:
        client.create_experiment(exp_name)
    server_error(e, "RESOURCE_ALREADY_EXISTS")


def test_invalid_experiment_names(client):
    with pytest.raises(MlflowException) as e:
        client.create_experiment("")
    server_error(e, "INVALID_PARAMETER_VALUE")
    with pytest.raises(MlflowException) as e:
        client.create_experiment("x" * 501)
    server_error(e, "INVALID_PARAMETER_VALUE")
    client.create_experiment(f"{uuid.uuid4().hex}{'x' * 468}")  # exactly 500 is fine


def test_rename_to_existing_name(client, experiment_id):
    other = f"compat-other-{uuid.uuid4().hex}"
    client.create_experiment(other)
    with pytest.raises(MlflowException) as e:
        client.rename_experiment(experiment_id, other)
    # Real MLflow lets the SQL unique constraint fire and reports BAD_REQUEST
    # (not RESOURCE_ALREADY_EXISTS as create does).
    server_error(e, "BAD_REQUEST")


def test_delete_experiment_twice(client, experiment_id):
    client.delete_experiment(experiment_id)
    with pytest.raises(MlflowException) as e:
        client.delete_experiment(experiment_id)
    # Real MLflow: a deleted experiment is "not found" for a second delete.
    server_error(e, "RESOURCE_DOES_NOT_EXIST")


# -- artifacts --------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["../evil.txt", "a/../../evil.txt", "/etc/evil.txt"])
def test_artifact_path_escaping_run_root(client, run_id, path):
    # Rejected by the client before any request is sent; reported as INTERNAL_ERROR.
    # (The server's own check is covered in test_artifacts.test_proxy_rejects_path_traversal.)
    with pytest.raises(MlflowException) as e:
        client.log_text(run_id, "x", path)
    assert e.value.error_code == "INTERNAL_ERROR"
    assert "Invalid artifact path" in e.value.message


def test_list_artifacts_escaping_run_root(client, run_id):
    # The client passes this one to the server, which answers 400 INVALID_PARAMETER_VALUE;
    # the artifact client surfaces it as requests.HTTPError, not MlflowException.
    with pytest.raises(requests.HTTPError) as e:
        client.list_artifacts(run_id, "../")
    assert e.value.response.status_code == 400
    assert e.value.response.json()["error_code"] == "INVALID_PARAMETER_VALUE"


def test_download_missing_artifact(client, run_id, tmp_path):
    with pytest.raises(MlflowException) as e:
        client.download_artifacts(run_id, "missing.txt", str(tmp_path))
    assert e.value.error_code == "RESOURCE_DOES_NOT_EXIST"
