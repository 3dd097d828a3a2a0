"""Schemathesis over the OpenAPI schema: generated requests (valid and not) to every API
operation, each sent as a clerk, a supervisor, a mediator and a judge — no answer is a
server error. The count of requests sent is printed (-s) and asserted."""

from __future__ import annotations

from collections import Counter

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings

from centre.tokens import token_issue

pytestmark = [pytest.mark.slow, pytest.mark.django_db]

ROLES = ("clerk", "supervisor", "mediator", "judge")
EXAMPLES = 20  # per operation; four requests each (one per role)


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    """The app is called in this process, inside the test's transaction: as Django's test
    client does, requests must not close the database connection when they end."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def test_no_generated_request_is_a_server_error(make_user, settings):
    # Thousands of requests in a minute: the rate limits (tested on their own) aside.
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"user": None, "token": None, "anon": None},
    }
    tokens = {role: token_issue(user=make_user(role), name="fuzz").key for role in ROLES}
    schema = schemathesis.openapi.from_wsgi(
        "/api/schema/",
        get_wsgi_application(),
        headers={"Authorization": f"Token {tokens['clerk']}"},
    )
    sent, errors, statuses = 0, [], Counter()

    for result in schema.get_all_operations():
        operation = result.ok()
        if operation.path.startswith("/api/v1/auth/"):
            # Logging in and out (revoking the very token in use) are tested on their own
            # (centre/tests/test_tokens.py); here they would sign the fuzzer out.
            continue

        @hypothesis_settings(
            max_examples=EXAMPLES,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        @given(case=operation.as_strategy())
        def check(case):
            nonlocal sent
            for role, token in tokens.items():
                response = case.call(headers={"Authorization": f"Token {token}"})
                sent += 1
                statuses[response.status_code] += 1
                if response.status_code >= 500:
                    errors.append((role, case.method, case.formatted_path, case.query, case.body))

        check()
    print(f"schemathesis: {sent} requests, {len(errors)} server errors, {sorted(statuses.items())}")
    assert sent >= 2000
    # Every request got past authentication (none signed out), many to the logic.
    assert statuses[401] == 0 and statuses[200] + statuses[400] > sent / 4
    assert not errors, errors[:10]


# Bodies a generator that follows the schema never sends: JSON that is not an object, and
# JSON nested far deeper than any parser's recursion allows.
HOSTILE_BODIES = {
    "array": "[null, null]",
    "empty array": "[]",
    "string": '"text"',
    "null": "null",
    "number": "1000000000000",
    "deep": "[" * 100_000 + "]" * 100_000,
    "deep object": '{"a":' * 50_000 + "1" + "}" * 50_000,
}


def test_no_body_that_is_not_an_object_or_nested_deep_is_a_server_error(make_user, county):
    """Every operation that takes a body, at its real paths (a case of the clerk's, the
    transition 'triage'), with each hostile body: a 4xx, never a 500."""
    from django.test import Client

    from intake.tests.factories import reference_data, register

    clerk = make_user("clerk")
    case = register(clerk, reference_data(county))
    tokens = {role: token_issue(user=make_user(role), name="fuzz").key for role in ROLES}
    tokens["clerk"] = token_issue(user=clerk, name="fuzz").key
    schema = schemathesis.openapi.from_wsgi(
        "/api/schema/",
        get_wsgi_application(),
        headers={"Authorization": f"Token {tokens['clerk']}"},
    )
    values = {"number": case.number, "name": "triage"}
    sent, errors = 0, []
    for result in schema.get_all_operations():
        operation = result.ok()
        if operation.method.upper() not in ("POST", "PUT", "PATCH"):
            continue
        path = operation.path
        for parameter in operation.path_parameters:
            path = path.replace(f"{{{parameter.name}}}", values.get(parameter.name, "1"))
        for role, token in tokens.items():
            client = Client(HTTP_AUTHORIZATION=f"Token {token}")
            for label, body in HOSTILE_BODIES.items():
                response = client.generic(
                    operation.method.upper(), path, body, content_type="application/json"
                )
                sent += 1
                if response.status_code >= 500:
                    errors.append((role, operation.method, path, label, response.status_code))
    print(f"hostile bodies: {sent} requests, {len(errors)} server errors")
    assert sent >= 100
    assert not errors, errors[:10]
