"""search_runs: filters, ordering, view types, datasets and paging.

One module-scoped experiment holds five active runs and one deleted run with
fixed start times, so every expectation below is an exact, ordered list.
"""

import uuid

import mlflow
import pytest
from mlflow.entities import Dataset, DatasetInput, InputTag, Metric, Param, RunTag, ViewType

T0 = 1_700_000_000_000
NAN = float("nan")
WEIRD = "weird key.with dots"

# name: (start offset, status, metrics, params, tags)
RUNS = {
    "r1": ("alpha", 1000, "FINISHED", {"acc": 0.9, "loss": 0.5},
           {"model": "cnn", "lr": "0.1"}, {"team": "red", WEIRD: "yes", "env": "prod"}),
    "r2": ("beta", 2000, "FINISHED", {"acc": 0.7, "loss": 0.3},
           {"model": "CNN-v2", "lr": "0.01"}, {"team": "blue", "env": "dev"}),
    "r3": ("gamma", 3000, "FAILED", {"acc": NAN, "loss": 0.9},
           {"model": "rnn", "lr": "0.1"}, {"team": "red"}),
    "r4": ("delta", 4000, "RUNNING", {"loss": 0.1},
           {"model": "transformer"}, {WEIRD: "no"}),
    "r5": ("epsilon", 5000, "KILLED", {"acc": 0.95, "loss": 0.5},
           {"model": "cnn", "lr": "0.001"}, {"team": "green", "env": "prod"}),
    "r6": ("zeta", 6000, "FINISHED", {"acc": 0.99, "loss": 0.0},
           {"model": "cnn", "lr": "0.1"}, {"team": "red"}),  # deleted below
}


@pytest.fixture(scope="module")
def world(server):
    from mlflow import MlflowClient

    client = MlflowClient(tracking_uri=server.url)
    eid = client.create_experiment(f"compat-search-{uuid.uuid4().hex[:12]}")
    ids = {}
    for label, (name, offset, status, metrics, params, tags) in RUNS.items():
        run = client.create_run(eid, start_time=T0 + offset, run_name=name)
        rid = run.info.run_id
        ids[label] = rid
        client.log_batch(
            rid,
            metrics=[Metric(k, v, T0 + offset, 0) for k, v in metrics.items()],
            params=[Param(k, v) for k, v in params.items()],
            tags=[RunTag(k, v) for k, v in tags.items()],
        )
        if status != "RUNNING":
            client.set_terminated(rid, status=status, end_time=T0 + offset + 500)
    client.delete_run(ids["r6"])

    def ds(name, digest):
        return Dataset(name=name, digest=digest, source_type="local",
                       source='{"uri": "/tmp/data.csv"}')

    client.log_inputs(ids["r1"], [DatasetInput(ds("train-set", "d1"),
                                               [InputTag("mlflow.data.context", "training")])])
    client.log_inputs(ids["r2"], [DatasetInput(ds("eval-set", "d2"),
                                               [InputTag("mlflow.data.context", "eval")])])
    client.log_inputs(ids["r5"], [DatasetInput(ds("train-set", "d1"), [])])
    by_id = {rid: label for label, rid in ids.items()}
    return client, eid, ids, by_id


def _labels(world, filter_string="", order_by=None, view=ViewType.ACTIVE_ONLY):
    client, eid, _, by_id = world
    runs = client.search_runs([eid], filter_string=filter_string, run_view_type=view,
                              order_by=order_by, max_results=1000)
    return [by_id[r.info.run_id] for r in runs]


# Default order is start_time DESC (ties: run_id ASC).
FILTER_CASES = [
    ("", ["r5", "r4", "r3", "r2", "r1"]),
    # metrics: NaN matches no comparison except "!=", missing metrics never match
    ("metrics.acc > 0.9", ["r5"]),
    ("metrics.acc >= 0.9", ["r5", "r1"]),
    ("metrics.acc < 0.9", ["r2"]),
    ("metrics.acc <= 0.9", ["r2", "r1"]),
    ("metrics.acc = 0.7", ["r2"]),
    ("metrics.acc != 0.7", ["r5", "r3", "r1"]),
    ("metrics.loss = 0.5", ["r5", "r1"]),
    ("metric.loss < 0.35", ["r4", "r2"]),  # "metric." alias
    ("metrics.`loss` > 0.4", ["r5", "r3", "r1"]),
    # params
    ("params.model = 'cnn'", ["r5", "r1"]),
    ("params.model != 'cnn'", ["r4", "r3", "r2"]),
    ("params.lr != '0.1'", ["r5", "r2"]),  # runs without the param never match
    ("params.model LIKE 'cnn%'", ["r5", "r1"]),  # LIKE is case-sensitive
    ("params.model LIKE '%n%'", ["r5", "r4", "r3", "r1"]),
    ("params.model ILIKE 'cnn%'", ["r5", "r2", "r1"]),
    ("param.model = \"rnn\"", ["r3"]),  # double-quoted value, "param." alias
    ("params.lr IS NULL", ["r4"]),
    ("params.lr IS NOT NULL", ["r5", "r3", "r2", "r1"]),
    # tags, with quoted keys
    (f"tags.`{WEIRD}` = 'yes'", ["r1"]),
    (f'tags."{WEIRD}" = \'no\'', ["r4"]),
    (f"tags.`{WEIRD}` IS NOT NULL", ["r4", "r1"]),
    ("tags.team IS NULL", ["r4"]),
    ("tags.team IS NOT NULL", ["r5", "r3", "r2", "r1"]),
    ("tags.team = 'red'", ["r3", "r1"]),
    ("tags.team ILIKE 'R%'", ["r3", "r1"]),
    ("tags.env LIKE 'pro_'", ["r5", "r1"]),
    ("tag.env != 'prod'", ["r2"]),
    ("tags.`mlflow.runName` = 'gamma'", ["r3"]),
    # attributes
    ("attributes.status = 'FAILED'", ["r3"]),
    ("attributes.status != 'FINISHED'", ["r5", "r4", "r3"]),
    ("status = 'RUNNING'", ["r4"]),
    ("attributes.run_name = 'beta'", ["r2"]),
    ("run_name LIKE '%ta'", ["r4", "r2"]),
    ("attributes.run_name ILIKE 'ALPHA'", ["r1"]),
    (f"attributes.start_time >= {T0 + 3000}", ["r5", "r4", "r3"]),
    (f"attributes.start_time < {T0 + 2000}", ["r1"]),
    (f"attributes.end_time = {T0 + 2500}", ["r2"]),
    # AND of several clauses
    ("metrics.loss >= 0.5 AND params.lr = '0.1' AND tags.team = 'red'", ["r3", "r1"]),
    ("metrics.acc > 0.5 and params.model = 'cnn' and attributes.status = 'KILLED'", ["r5"]),
    ("tags.env = 'prod' AND tags.env = 'dev'", []),
    # datasets
    ("datasets.name = 'train-set'", ["r5", "r1"]),
    ("datasets.name IN ('train-set', 'eval-set')", ["r5", "r2", "r1"]),
    ("datasets.digest = 'd2'", ["r2"]),
    ("datasets.context = 'training'", ["r1"]),
    ("datasets.name LIKE '%-set' AND metrics.acc < 0.8", ["r2"]),
]


@pytest.mark.parametrize("filter_string,expected", FILTER_CASES,
                         ids=[f or "<empty>" for f, _ in FILTER_CASES])
def test_filter(world, filter_string, expected):
    assert _labels(world, filter_string) == expected


def test_run_id_in_and_not_in(world):
    _, _, ids, _ = world
    assert _labels(world, f"attributes.run_id IN ('{ids['r1']}', '{ids['r3']}')") == ["r3", "r1"]
    assert _labels(world, f"run_id NOT IN ('{ids['r1']}', '{ids['r3']}')") == ["r5", "r4", "r2"]
    assert _labels(world, f"attributes.run_id = '{ids['r2']}'") == ["r2"]
    assert _labels(world, f"attributes.run_id IN ('{ids['r6']}')", view=ViewType.ALL) == ["r6"]


ORDER_CASES = [
    # Metrics sort with NaN after every number and missing values after NaN,
    # in both directions; ties fall back to start_time DESC.
    (["metrics.acc DESC"], ["r5", "r1", "r2", "r3", "r4"]),
    (["metrics.acc ASC"], ["r2", "r1", "r5", "r3", "r4"]),
    (["metrics.acc"], ["r2", "r1", "r5", "r3", "r4"]),
    (["metrics.loss ASC"], ["r4", "r2", "r5", "r1", "r3"]),
    (["metrics.loss ASC", "attributes.run_name ASC"], ["r4", "r2", "r1", "r5", "r3"]),
    # Params and tags sort as strings; missing values last.
    (["params.lr ASC"], ["r5", "r2", "r3", "r1", "r4"]),
    (["params.lr DESC"], ["r3", "r1", "r2", "r5", "r4"]),
    (["params.model DESC"], ["r4", "r3", "r5", "r1", "r2"]),
    (["tags.team ASC"], ["r2", "r5", "r3", "r1", "r4"]),
    (["attributes.start_time ASC"], ["r1", "r2", "r3", "r4", "r5"]),
    (["attributes.start_time DESC"], ["r5", "r4", "r3", "r2", "r1"]),
    (["start_time"], ["r1", "r2", "r3", "r4", "r5"]),
    (["attributes.run_name ASC"], ["r1", "r2", "r4", "r5", "r3"]),
    (["attributes.status ASC", "attributes.start_time ASC"], ["r3", "r1", "r2", "r5", "r4"]),
    (["attributes.end_time DESC"], ["r5", "r3", "r2", "r1", "r4"]),
]


@pytest.mark.parametrize("order_by,expected", ORDER_CASES, ids=[",".join(o) for o, _ in ORDER_CASES])
def test_order_by(world, order_by, expected):
    assert _labels(world, order_by=order_by) == expected


def test_order_by_with_filter(world):
    assert _labels(world, "params.model ILIKE '%n%'", ["metrics.acc DESC"]) == [
        "r5", "r1", "r2", "r3", "r4",
    ]
    assert _labels(world, "tags.team = 'red'", ["metrics.loss DESC"]) == ["r3", "r1"]


def test_view_types(world):
    assert _labels(world, view=ViewType.DELETED_ONLY) == ["r6"]
    assert _labels(world, view=ViewType.ALL) == ["r6", "r5", "r4", "r3", "r2", "r1"]
    assert _labels(world, "metrics.acc > 0.9", view=ViewType.ALL) == ["r6", "r5"]
    assert _labels(world, "metrics.acc > 0.9", view=ViewType.DELETED_ONLY) == ["r6"]


def test_returned_run_contents(world):
    client, eid, ids, _ = world
    [run] = client.search_runs([eid], f"attributes.run_name = 'alpha'")
    assert run.info.run_id == ids["r1"]
    assert run.info.status == "FINISHED"
    assert run.info.start_time == T0 + 1000
    assert run.info.end_time == T0 + 1500
    assert run.data.metrics == {"acc": 0.9, "loss": 0.5}
    assert run.data.params == {"model": "cnn", "lr": "0.1"}
    assert run.data.tags["team"] == "red"
    assert run.data.tags[WEIRD] == "yes"
    [ds_input] = run.inputs.dataset_inputs
    assert ds_input.dataset.name == "train-set"
    assert ds_input.dataset.digest == "d1"
    assert [(t.key, t.value) for t in ds_input.tags] == [("mlflow.data.context", "training")]


def test_fluent_search_runs_list_output(world, server):
    _, eid, ids, by_id = world
    runs = mlflow.search_runs(experiment_ids=[eid], filter_string="params.model = 'cnn'",
                              output_format="list")
    assert [by_id[r.info.run_id] for r in runs] == ["r5", "r1"]
    runs = mlflow.search_runs(experiment_ids=[eid], order_by=["metrics.acc DESC"],
                              max_results=2, output_format="list")
    assert [by_id[r.info.run_id] for r in runs] == ["r5", "r1"]


def test_search_across_experiments(client):
    e1 = client.create_experiment(f"compat-x1-{uuid.uuid4().hex[:12]}")
    e2 = client.create_experiment(f"compat-x2-{uuid.uuid4().hex[:12]}")
    a = client.create_run(e1, start_time=T0 + 1).info.run_id
    b = client.create_run(e2, start_time=T0 + 2).info.run_id
    c = client.create_run(e1, start_time=T0 + 3).info.run_id
    got = client.search_runs([e1, e2])
    assert [r.info.run_id for r in got] == [c, b, a]
    assert {r.info.experiment_id for r in got} == {e1, e2}


def test_paging_walks_every_run_once(client, experiment_id):
    n = 23
    expected = []
    for i in range(n):
        rid = client.create_run(experiment_id, start_time=T0 + i).info.run_id
        client.log_metric(rid, "i", i, timestamp=T0, step=0)
        expected.append(rid)
    expected.reverse()  # default order: start_time DESC

    seen, token, pages = [], None, []
    for _ in range(20):  # bounded
        page = client.search_runs([experiment_id], max_results=5, page_token=token)
        pages.append(len(page))
        seen.extend(r.info.run_id for r in page)
        token = page.token
        if not token:
            break
    assert pages == [5, 5, 5, 5, 3]
    assert seen == expected
    assert len(set(seen)) == n

    # Paging with an order_by and a filter.
    seen, token = [], None
    for _ in range(20):
        page = client.search_runs([experiment_id], "metrics.i >= 3", max_results=4,
                                  order_by=["metrics.i ASC"], page_token=token)
        seen.extend(r.info.run_id for r in page)
        token = page.token
        if not token:
            break
    assert seen == list(reversed(expected))[3:]


def test_paging_exact_multiple(client, experiment_id):
    ids = [client.create_run(experiment_id, start_time=T0 + i).info.run_id for i in range(4)]
    p1 = client.search_runs([experiment_id], max_results=2)
    assert [r.info.run_id for r in p1] == [ids[3], ids[2]]
    assert p1.token
    p2 = client.search_runs([experiment_id], max_results=2, page_token=p1.token)
    assert [r.info.run_id for r in p2] == [ids[1], ids[0]]
    # MLflow looks one row ahead: the last full page carries no token.
    assert not p2.token
