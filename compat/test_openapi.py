"""GET /api/aviary/v1/openapi.json (issue 19, item 8) on a freshly started server.

The document must pass a real validator (openapi-spec-validator, OpenAPI 3.1
with JSON Schema 2020-12), and the server must answer its parameterless GET
operations with a status and content type the document declares for them.
Aviary's own endpoint: skipped against the MLflow peer.
"""

from __future__ import annotations

import pytest
import requests
from openapi_spec_validator import OpenAPIV31SpecValidator

from compat_helpers import RUNNING_AGAINST_PEER

pytestmark = pytest.mark.skipif(RUNNING_AGAINST_PEER, reason="mlflow server serves no OpenAPI document")

DOCUMENT = "/api/aviary/v1/openapi.json"


@pytest.fixture(scope="module")
def document(server) -> dict:
    response = requests.get(server.url + DOCUMENT, timeout=30)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/json"
    return response.json()


def test_document_is_valid_openapi_3_1(document):
    assert document["openapi"] == "3.1.0"
    errors = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in OpenAPIV31SpecValidator(document).iter_errors()]
    assert errors == []


def test_document_covers_every_surface_of_aviary_server(document):
    paths = document["paths"]
    for path in [
        "/api/2.0/mlflow/runs/log-batch",
        "/ajax-api/2.0/mlflow/runs/log-batch",
        "/api/2.0/mlflow/registered-models/alias",
        "/api/2.0/mlflow/logged-models/{model_id}",
        "/api/2.0/mlflow-artifacts/artifacts/{artifact_path}",
        "/api/aviary/v1/models/{name}/versions/{version}/lineage",
        "/api/2.0/aviary/deployments/{name}",
        "/deployments/{name}/feedback",
        "/v2/models/{name}/infer",
        "/metrics",
        "/",
        DOCUMENT,
    ]:
        assert path in paths, path
    ids = [op["operationId"] for item in paths.values() for op in item.values()]
    assert len(ids) == len(set(ids))


def _media(content_type: str | None) -> str | None:
    return content_type.split(";")[0].strip().lower() if content_type else None


def test_parameterless_gets_answer_as_documented(server, document):
    """Every GET without required parameters, sent as is: its status is documented, with the content type sent."""
    checked = 0
    for path, item in sorted(document["paths"].items()):
        operation = item.get("get")
        if operation is None or "{" in path or any(p.get("required") for p in operation.get("parameters", [])):
            continue
        response = requests.get(server.url + path, timeout=30)
        documented = operation["responses"].get(str(response.status_code))
        assert documented is not None, f"GET {path} answered {response.status_code}, undocumented"
        declared = {_media(media) for media in documented.get("content", {})}
        sent = _media(response.headers.get("Content-Type"))
        if declared:
            assert sent in declared, f"GET {path} sent {sent}; documented {sorted(declared)}"
        else:
            assert response.content == b"", f"GET {path} documents no body but sent {response.content[:80]!r}"
        checked += 1
    assert checked >= 15
