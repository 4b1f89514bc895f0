"""Artifacts through the mlflow-artifacts proxy (``mlflow-artifacts:/`` URIs)."""

import filecmp
import hashlib
import os
from pathlib import Path

import mlflow
import pytest
import requests
import yaml

from compat_helpers import raw_request


def _tree(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def _listing(client, rid, path=None):
    return [(f.path, f.is_dir, f.file_size) for f in client.list_artifacts(rid, path)]


@pytest.fixture
def run_id(client, experiment_id):
    return client.create_run(experiment_id).info.run_id


@pytest.fixture
def src(tmp_path) -> Path:
    root = tmp_path / "src"
    (root / "a" / "b").mkdir(parents=True)
    (root / "a" / "b" / "c.txt").write_text("deep file\n")
    (root / "a" / "sibling.bin").write_bytes(bytes(range(256)) * 3)
    (root / "top.txt").write_text("top ✓\n", encoding="utf-8")
    (root / "empty.bin").write_bytes(b"")
    return root


def test_log_artifact_single_file(client, run_id, src, tmp_path):
    client.log_artifact(run_id, str(src / "top.txt"))
    client.log_artifact(run_id, str(src / "top.txt"), artifact_path="nested/dir")
    assert _listing(client, run_id) == [("nested", True, None), ("top.txt", False, 8)]
    assert _listing(client, run_id, "nested") == [("nested/dir", True, None)]
    assert _listing(client, run_id, "nested/dir") == [("nested/dir/top.txt", False, 8)]

    dst = tmp_path / "dl"
    local = client.download_artifacts(run_id, "nested/dir/top.txt", str(dst))
    # A single file lands directly in dst (its folders are not recreated).
    assert Path(local) == dst / "top.txt"
    assert filecmp.cmp(local, src / "top.txt", shallow=False)


def test_log_artifacts_nested_folder(client, run_id, src, tmp_path):
    client.log_artifacts(run_id, str(src), artifact_path="folder")
    assert _listing(client, run_id) == [("folder", True, None)]
    # Directories carry no size; an empty file reports no size either (0 is omitted).
    assert _listing(client, run_id, "folder") == [
        ("folder/a", True, None),
        ("folder/empty.bin", False, None),
        ("folder/top.txt", False, 8),
    ]
    assert _listing(client, run_id, "folder/a") == [
        ("folder/a/b", True, None),
        ("folder/a/sibling.bin", False, 768),
    ]
    assert _listing(client, run_id, "folder/a/b") == [("folder/a/b/c.txt", False, 10)]
    # Trailing slash is the same folder.
    assert _listing(client, run_id, "folder/a/b/") == [("folder/a/b/c.txt", False, 10)]
    # Listing a file, or a path that does not exist, gives an empty list.
    assert _listing(client, run_id, "folder/top.txt") == []
    assert _listing(client, run_id, "no/such/dir") == []

    # Download a directory: same tree, byte for byte.
    dst = tmp_path / "dl"
    local = client.download_artifacts(run_id, "folder", str(dst))
    assert Path(local) == dst / "folder"
    assert _tree(Path(local)) == _tree(src)

    # Download one nested file.
    single = client.download_artifacts(run_id, "folder/a/sibling.bin", str(tmp_path / "one"))
    assert Path(single).read_bytes() == bytes(range(256)) * 3

    # Download everything (empty path = artifact root).
    whole = mlflow.artifacts.download_artifacts(run_id=run_id, dst_path=str(tmp_path / "all"))
    assert _tree(Path(whole)) == {f"folder/{k}": v for k, v in _tree(src).items()}


def test_log_artifacts_at_root(client, run_id, src, tmp_path):
    client.log_artifacts(run_id, str(src))
    assert _listing(client, run_id) == [
        ("a", True, None),
        ("empty.bin", False, None),
        ("top.txt", False, 8),
    ]
    local = client.download_artifacts(run_id, "", str(tmp_path / "dl"))
    assert _tree(Path(local)) == _tree(src)


def test_log_text_and_dict(client, run_id, tmp_path):
    client.log_text(run_id, "hello, wörld ✓\nline 2\n", "texts/hello.txt")
    payload = {"a": 1, "b": [1, 2.5, "x"], "nested": {"k": None, "t": True}}
    client.log_dict(run_id, payload, "cfg/d.json")
    client.log_dict(run_id, payload, "cfg/d.yaml")
    client.log_dict(run_id, payload, "cfg/d.yml")

    assert mlflow.artifacts.load_text(f"runs:/{run_id}/texts/hello.txt") == "hello, wörld ✓\nline 2\n"
    assert mlflow.artifacts.load_dict(f"runs:/{run_id}/cfg/d.json") == payload
    # load_dict only parses JSON: read the YAML back by hand.
    for name in ("d.yaml", "d.yml"):
        local = client.download_artifacts(run_id, f"cfg/{name}", str(tmp_path / name))
        assert yaml.safe_load(Path(local).read_text()) == payload
    listing = _listing(client, run_id, "cfg")
    assert [p for p, _, _ in listing] == ["cfg/d.json", "cfg/d.yaml", "cfg/d.yml"]
    assert all(not is_dir and size > 0 for _, is_dir, size in listing)


def test_fluent_log_artifacts(client, exp_name, src, tmp_path):
    mlflow.set_experiment(exp_name)
    with mlflow.start_run() as run:
        mlflow.log_artifact(str(src / "top.txt"))
        mlflow.log_artifacts(str(src / "a"), artifact_path="aa")
        mlflow.log_text("t", "t.txt")
        mlflow.log_dict({"k": "v"}, "k.json")
        uri = mlflow.get_artifact_uri()
    rid = run.info.run_id
    assert uri == run.info.artifact_uri
    assert [p for p, _, _ in _listing(client, rid)] == ["aa", "k.json", "t.txt", "top.txt"]
    local = mlflow.artifacts.download_artifacts(artifact_uri=f"runs:/{rid}/aa",
                                                dst_path=str(tmp_path / "x"))
    assert _tree(Path(local)) == _tree(src / "a")


def test_unusual_file_names(client, run_id, tmp_path):
    # (No "%xx" in names: the client puts the name into the URL unescaped, so real
    # MLflow stores "a%20b.txt" as "a b.txt".)
    names = ["with space.txt", "ünïcödé ✓.txt", "plus+and&amp;=.txt", "semi;colon,comma.txt"]
    d = tmp_path / "odd"
    d.mkdir()
    for i, n in enumerate(names):
        (d / n).write_text(f"content {i}")
    client.log_artifacts(run_id, str(d), artifact_path="odd dir")
    listing = _listing(client, run_id, "odd dir")
    assert sorted(p for p, _, _ in listing) == sorted(f"odd dir/{n}" for n in names)
    local = client.download_artifacts(run_id, "odd dir", str(tmp_path / "dl"))
    assert _tree(Path(local)) == _tree(d)


def test_overwrite_artifact(client, run_id, tmp_path):
    client.log_text(run_id, "first version", "f.txt")
    client.log_text(run_id, "second", "f.txt")
    assert mlflow.artifacts.load_text(f"runs:/{run_id}/f.txt") == "second"
    assert _listing(client, run_id) == [("f.txt", False, 6)]


def test_large_file_sha256(client, run_id, tmp_path):
    size = 50 * 1024 * 1024
    big = tmp_path / "big.bin"
    h = hashlib.sha256()
    with open(big, "wb") as f:
        for _ in range(size // (1 << 20)):
            chunk = os.urandom(1 << 20)
            h.update(chunk)
            f.write(chunk)
    client.log_artifact(run_id, str(big), artifact_path="blobs")
    assert _listing(client, run_id, "blobs") == [("blobs/big.bin", False, size)]
    local = client.download_artifacts(run_id, "blobs/big.bin", str(tmp_path / "dl"))
    h2 = hashlib.sha256()
    with open(local, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h2.update(chunk)
    assert os.path.getsize(local) == size
    assert h2.hexdigest() == h.hexdigest()


# -- the proxy endpoint itself ------------------------------------------------------


def _artifact_rel(client, rid) -> str:
    uri = client.get_run(rid).info.artifact_uri
    assert uri.startswith("mlflow-artifacts:/")
    return uri[len("mlflow-artifacts:/"):]


def test_proxy_endpoint_shapes(client, run_id, base_url, src):
    client.log_artifacts(run_id, str(src))
    rel = _artifact_rel(client, run_id)
    api = f"{base_url}/api/2.0/mlflow-artifacts/artifacts"

    r = requests.get(api, params={"path": rel}, timeout=30)
    assert r.status_code == 200
    assert r.json() == {"files": [
        {"path": "a", "is_dir": True},
        {"path": "empty.bin", "is_dir": False},
        {"path": "top.txt", "is_dir": False, "file_size": 8},
    ]}
    # Listing a file: no "files" key at all.
    r = requests.get(api, params={"path": f"{rel}/top.txt"}, timeout=30)
    assert r.status_code == 200 and r.json() == {}

    r = requests.get(f"{api}/{rel}/top.txt", timeout=30)
    assert r.status_code == 200
    assert r.content == (src / "top.txt").read_bytes()

    r = requests.get(f"{api}/{rel}/missing.txt", timeout=30)
    assert r.status_code == 404
    assert r.json()["error_code"] == "RESOURCE_DOES_NOT_EXIST"

    r = requests.put(f"{api}/{rel}/raw/put.bin", data=b"\x00\x01raw", timeout=30)
    assert r.status_code == 200
    assert r.content in (b"", b"{}")  # real MLflow answers an empty body
    assert _listing(client, run_id, "raw") == [("raw/put.bin", False, 5)]


@pytest.mark.parametrize("method,path", [
    ("PUT", "/api/2.0/mlflow-artifacts/artifacts/0/../../evil.txt"),
    ("PUT", "/api/2.0/mlflow-artifacts/artifacts/0/%2E%2E/%2E%2E/evil.txt"),
    ("PUT", "/api/2.0/mlflow-artifacts/artifacts/0/x%2F..%2F..%2Fevil.txt"),
    ("PUT", "/api/2.0/mlflow-artifacts/artifacts/%2Fetc%2Fevil.txt"),
    ("GET", "/api/2.0/mlflow-artifacts/artifacts/0/../../../etc/passwd"),
    ("GET", "/api/2.0/mlflow-artifacts/artifacts/0/%2E%2E/%2E%2E/%2E%2E/etc/passwd"),
    ("GET", "/api/2.0/mlflow-artifacts/artifacts?path=../"),
    ("GET", "/api/2.0/mlflow-artifacts/artifacts?path=0/../.."),
    ("GET", "/api/2.0/mlflow-artifacts/artifacts?path=/etc"),
])
def test_proxy_rejects_path_traversal(base_url, server, method, path):
    r = raw_request(base_url, method, path, body=b"evil" if method == "PUT" else None)
    assert r.status == 400, (r.status, r.text)
    assert r.json()["error_code"] == "INVALID_PARAMETER_VALUE"
    assert not list(server.data_dir.rglob("evil.txt"))
    assert not (server.data_dir.parent / "evil.txt").exists()
