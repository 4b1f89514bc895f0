"""Experiments: create, search, rename, tags, delete/restore; run delete/restore."""

import time
import uuid

import mlflow
import pytest
from mlflow.entities import ViewType
from mlflow.exceptions import MlflowException


def _uid() -> str:
    return uuid.uuid4().hex[:12]


def test_create_and_get_experiment(client, exp_name):
    eid = client.create_experiment(exp_name, tags={"team": "birds", "dotted.key": "v"})
    exp = client.get_experiment(eid)
    assert exp.experiment_id == eid
    assert exp.name == exp_name
    assert exp.lifecycle_stage == "active"
    assert exp.artifact_location == f"mlflow-artifacts:/{eid}"
    assert exp.tags == {"team": "birds", "dotted.key": "v"}
    assert exp.creation_time is not None
    assert exp.last_update_time is not None
    assert client.get_experiment_by_name(exp_name).experiment_id == eid


def test_experiment_ids_are_increasing_integers(client):
    ids = [int(client.create_experiment(f"compat-seq-{_uid()}")) for _ in range(3)]
    assert ids == sorted(ids)
    assert len(set(ids)) == 3


def test_rename_experiment(client, experiment_id, exp_name):
    new_name = exp_name + "-renamed"
    client.rename_experiment(experiment_id, new_name)
    assert client.get_experiment(experiment_id).name == new_name
    assert client.get_experiment_by_name(new_name).experiment_id == experiment_id
    assert client.get_experiment_by_name(exp_name) is None


def test_experiment_tags_set_and_delete(client, experiment_id):
    client.set_experiment_tag(experiment_id, "k1", "v1")
    client.set_experiment_tag(experiment_id, "k2", "v2")
    client.set_experiment_tag(experiment_id, "k1", "v1-new")  # overwrite
    assert client.get_experiment(experiment_id).tags == {"k1": "v1-new", "k2": "v2"}
    client.delete_experiment_tag(experiment_id, "k2")
    assert client.get_experiment(experiment_id).tags == {"k1": "v1-new"}


def test_fluent_set_experiment_tags(client, exp_name):
    exp = mlflow.set_experiment(exp_name)
    mlflow.set_experiment_tags({"a": "1", "b": "2"})
    mlflow.set_experiment_tag("c", "3")
    assert client.get_experiment(exp.experiment_id).tags == {"a": "1", "b": "2", "c": "3"}


def test_delete_and_restore_run(client, experiment_id):
    keep = client.create_run(experiment_id).info.run_id
    gone = client.create_run(experiment_id).info.run_id

    client.delete_run(gone)
    assert client.get_run(gone).info.lifecycle_stage == "deleted"
    # A deleted run is still readable by id.
    assert client.get_run(gone).info.run_id == gone

    def ids(view):
        return {r.info.run_id for r in client.search_runs([experiment_id], run_view_type=view)}

    assert ids(ViewType.ACTIVE_ONLY) == {keep}
    assert ids(ViewType.DELETED_ONLY) == {gone}
    assert ids(ViewType.ALL) == {keep, gone}

    client.restore_run(gone)
    assert client.get_run(gone).info.lifecycle_stage == "active"
    assert ids(ViewType.ACTIVE_ONLY) == {keep, gone}
    assert ids(ViewType.DELETED_ONLY) == set()


def test_delete_run_is_idempotent(client, experiment_id):
    rid = client.create_run(experiment_id).info.run_id
    client.delete_run(rid)
    client.delete_run(rid)  # real MLflow accepts a second delete
    assert client.get_run(rid).info.lifecycle_stage == "deleted"
    client.restore_run(rid)
    client.restore_run(rid)  # and a restore of an active run
    assert client.get_run(rid).info.lifecycle_stage == "active"


def test_delete_and_restore_experiment(client, experiment_id, exp_name):
    r1 = client.create_run(experiment_id).info.run_id
    r2 = client.create_run(experiment_id).info.run_id

    client.delete_experiment(experiment_id)
    exp = client.get_experiment(experiment_id)
    assert exp.lifecycle_stage == "deleted"
    assert client.get_experiment_by_name(exp_name).lifecycle_stage == "deleted"

    # The deleted experiment's runs are hidden from ACTIVE_ONLY searches.
    active = client.search_runs([experiment_id], run_view_type=ViewType.ACTIVE_ONLY)
    assert active == []
    every = client.search_runs([experiment_id], run_view_type=ViewType.ALL)
    assert {r.info.run_id for r in every} == {r1, r2}
    # ... because deleting an experiment marks its runs deleted too.
    assert client.get_run(r1).info.lifecycle_stage == "deleted"

    names_active = {e.name for e in client.search_experiments(view_type=ViewType.ACTIVE_ONLY,
                                                              filter_string=f"name = '{exp_name}'")}
    names_deleted = {e.name for e in client.search_experiments(view_type=ViewType.DELETED_ONLY,
                                                               filter_string=f"name = '{exp_name}'")}
    assert names_active == set()
    assert names_deleted == {exp_name}

    client.restore_experiment(experiment_id)
    assert client.get_experiment(experiment_id).lifecycle_stage == "active"
    active = client.search_runs([experiment_id], run_view_type=ViewType.ACTIVE_ONLY)
    assert {r.info.run_id for r in active} == {r1, r2}
    assert client.get_run(r1).info.lifecycle_stage == "active"


def test_create_experiment_with_name_of_deleted_one_fails(client, experiment_id, exp_name):
    client.delete_experiment(experiment_id)
    with pytest.raises(MlflowException) as e:
        client.create_experiment(exp_name)
    assert e.value.error_code == "RESOURCE_ALREADY_EXISTS"


def test_search_experiments_filter_and_order(client):
    prefix = f"compat-se-{_uid()}"
    ids = {}
    for name, team in [("b", "red"), ("a", "blue"), ("c", "red")]:
        ids[name] = client.create_experiment(f"{prefix}-{name}", tags={"team": team})
        time.sleep(0.005)  # distinct creation_time, so the default order is exact

    def names(**kw):
        return [e.name.removeprefix(prefix + "-") for e in client.search_experiments(**kw)]

    like = f"name LIKE '{prefix}-%'"
    # Default order: most recently created first (creation_time DESC, then id).
    assert names(filter_string=like) == ["c", "a", "b"]
    assert names(filter_string=like, order_by=["name ASC"]) == ["a", "b", "c"]
    assert names(filter_string=like, order_by=["name DESC"]) == ["c", "b", "a"]
    assert names(filter_string=like, order_by=["creation_time ASC"]) == ["b", "a", "c"]
    assert names(filter_string=like, order_by=["experiment_id DESC"]) == ["c", "a", "b"]
    assert names(filter_string=f"{like} AND tags.team = 'red'", order_by=["name"]) == ["b", "c"]
    assert names(filter_string=f"name ILIKE '{prefix.upper()}-%' AND tags.team != 'red'") == ["a"]
    assert names(filter_string=f"name = '{prefix}-a'") == ["a"]
    assert names(filter_string=f"{like} AND tags.team LIKE 'bl%'") == ["a"]
    assert names(filter_string=f"{like} AND tags.missing = 'x'") == []

    # Paging over the same filter.
    page1 = client.search_experiments(filter_string=like, max_results=2, order_by=["name"])
    assert [e.name for e in page1] == [f"{prefix}-a", f"{prefix}-b"]
    assert page1.token
    page2 = client.search_experiments(
        filter_string=like, max_results=2, order_by=["name"], page_token=page1.token
    )
    assert [e.name for e in page2] == [f"{prefix}-c"]
    assert not page2.token


def test_search_experiments_view_type(client):
    prefix = f"compat-sev-{_uid()}"
    keep = client.create_experiment(f"{prefix}-keep")
    gone = client.create_experiment(f"{prefix}-gone")
    client.delete_experiment(gone)
    like = f"name LIKE '{prefix}-%'"

    def ids(view):
        return {e.experiment_id for e in client.search_experiments(view_type=view,
                                                                   filter_string=like)}

    assert ids(ViewType.ACTIVE_ONLY) == {keep}
    assert ids(ViewType.DELETED_ONLY) == {gone}
    assert ids(ViewType.ALL) == {keep, gone}
