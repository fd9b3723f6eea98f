"""Schemathesis against /openapi.json: generated requests to every API operation, signed in as the office
(so the requests get past the permission check and into the code), never answer 500, and every error
answers in the one JSON error shape."""

from __future__ import annotations

import schemathesis
from hypothesis import HealthCheck, given, settings

from .web import csrf

EXAMPLES = 25  # per operation


def check(response) -> None:
    assert response.status_code < 500, f"{response.status_code}: {response.text[:500]}"
    content_type = response.headers.get("content-type", [""])  # schemathesis: a list per header
    if response.status_code >= 400 and content_type[0].startswith("application/json"):
        body = response.json()
        assert body["ok"] is False and body["status"] == response.status_code and isinstance(body["errors"], list)


def test_no_server_errors(site):
    c = site.client("office_admin")
    auth = {"cookies": dict(c.cookies), "headers": {"X-CSRF-Token": csrf(c)}}
    schema = schemathesis.openapi.from_asgi("/openapi.json", site.app)
    operations = [result.ok() for result in schema.get_all_operations()]
    for operation in operations:
        @given(case=operation.as_strategy())
        @settings(max_examples=EXAMPLES, deadline=None, database=None, suppress_health_check=list(HealthCheck))
        def call(case):
            check(case.call(headers={**auth["headers"], **(case.headers or {})}, cookies=auth["cookies"]))

        try:
            call()
        except AssertionError as e:
            raise AssertionError(f"{operation.method.upper()} {operation.path}: {e}") from None
