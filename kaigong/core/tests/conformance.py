"""
A test client's response checked against the published OpenAPI schema, as the fuzzers
(tests/test_schemathesis.py, scripts/fuzz_outside.sh) check it: the status is documented,
the content type is the documented one and the body conforms to its schema.

    response = client.get("/api/v1/marketplace/winners/")
    assert_conforms(response, "GET", "/api/v1/marketplace/winners/")
"""

from __future__ import annotations

import functools
import json
from typing import Any

import requests
import schemathesis
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from schemathesis.core.transport import Response


@functools.cache
def _schema() -> Any:
    generated = SchemaGenerator().get_schema(request=None, public=True)
    return schemathesis.openapi.from_dict(json.loads(OpenApiJsonRenderer().render(generated)))


def assert_conforms(response: Any, method: str, path: str) -> None:
    """Raise (schemathesis' failure, naming the violation) unless ``response`` of the
    operation ``method path`` (the schema's path, with its ``{parameters}``) conforms."""
    operation = _schema()[path][method.upper()]
    request = requests.Request(
        method.upper(), "http://testserver" + response.wsgi_request.get_full_path()
    ).prepare()
    content = (
        b"".join(response.streaming_content)
        if getattr(response, "streaming", False)
        else response.content
    )
    wrapped = Response(
        status_code=response.status_code,
        headers={name: [value] for name, value in response.headers.items()},
        content=content,
        request=request,
        elapsed=0.0,
        verify=False,
    )
    documented = operation.definition.raw["responses"]
    status = str(response.status_code)
    assert status in documented, f"{method} {path}: {status} is not documented"
    media_types = list(documented[status].get("content", {}))
    received = response.headers.get("Content-Type", "").split(";")[0].strip()
    assert not media_types or received in media_types, (
        f"{method} {path}: {status} as {received}, documented as {media_types}"
    )
    operation.validate_response(wrapped)
