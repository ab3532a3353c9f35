"""
Property-based API fuzzing with Schemathesis: every operation of the published OpenAPI
schema, as each role (anonymous, applicant, window clerk, reviewer, approver, supervisor,
catalogue keeper), with positive and negative generation, and every response checked:

- not a server error (no 5xx, ever);
- the status code is one the operation documents;
- the content type is the one documented for that status (problem+json for errors);
- the body conforms to the documented schema (pages are documented as pages);
- documented response headers, required headers, unsupported methods (405).

The world (catalogue, project, cases in every state, certificates) is built once per
module, inside a transaction rolled back at the end; each generated request runs in a
savepoint of it. Path parameters are drawn from the generated values and the world's real
identifiers, so operations are exercised on objects each role can and cannot see.

The schema is loaded from the app itself (``/api/v1/schema/`` over WSGI): no server. The
run is derandomized (Hypothesis' fixed seed) and bounded: a few examples per operation and
role, no shrinking (about 2–3 minutes on 2 cores). The coverage phase is shared out
between the applicant, the window clerk and the reviewer; a read answering 409/412 to
valid data fails. ``scripts/fuzz_outside.sh`` (``make fuzz``) runs the same checks from
outside, against the served product, as every role (docs/api.md).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction
from django.test import override_settings

import pytest
import schemathesis
import time_machine
from axes.models import AccessAttempt
from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st
from knox.models import AuthToken
from schemathesis.generation.meta import ComponentKind
from schemathesis.specs.openapi.checks import missing_required_header, negative_data_rejection

MONDAY = dt.datetime(2026, 3, 2, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))

# role → the world's user of that role (None: anonymous)
ROLES = {
    "anonymous": None,
    "applicant": "applicant",
    "clerk": "clerk",
    "reviewer": "reviewer1",
    "approver": "approver1",
    "supervisor": "supervisor",
    "catalog_admin": "catalog_admin",
}
EXAMPLES_PER_OPERATION_AND_ROLE = 5
# Schemathesis' coverage phase (every boundary and negation of every parameter, a fixed
# list per operation) is shared out between these roles, in turn (the first role takes the
# 1st, 4th, 7th … case of an operation, the second the 2nd, 5th …), at most COVERAGE_CASES
# per operation in all; the fuzzing phase runs as every role.
COVERAGE_ROLES = ("applicant", "clerk", "reviewer")
COVERAGE_CASES = 42
COVERAGE_SEEN: dict[tuple[str, str], int] = {}
# Reads have no state to conflict with: a GET answering 409/412 to valid data is a failure
# (the schema-level check accepts them, for the writes).
READ_METHODS = ("GET", "HEAD")


@dataclass
class FuzzWorld:
    tokens: dict[str, str] = field(default_factory=dict)
    users: dict[str, Any] = field(default_factory=dict)
    # path parameter name → real values of the world (any kind of object)
    known: dict[str, list[str]] = field(default_factory=dict)


def _build_world() -> FuzzWorld:
    from kaigong.cases.tests.factories import CaseFactory, lifecycle_world
    from kaigong.certificates.models import Certificate
    from kaigong.core.models import Notification
    from kaigong.projects.models import ServiceCode

    with time_machine.travel(MONDAY, tick=False):
        world = lifecycle_world()
        cases = [
            CaseFactory(world=world, state=state)
            for state in (
                "draft",
                "submitted",
                "correction_requested",
                "accepted",
                "proposed",
                "issued",
            )
        ]
    public_ids = [str(c.public_id) for c in cases]
    for case in cases:
        public_ids += [str(i.public_id) for i in case.items.all()[:2]]
    public_ids += [str(world.project.public_id), str(world.enterprise.public_id)]
    public_ids += [str(c.public_id) for c in Certificate.objects.all()[:3]]
    public_ids += [str(n.public_id) for n in Notification.objects.all()[:2]]
    tokens, users = {}, {}
    for role, user in ROLES.items():
        if user is not None:
            tokens[role] = AuthToken.objects.create(user=world.users[user])[1]
            users[role] = world.users[user]
    track_tokens = list(ServiceCode.objects.values_list("token", flat=True)[:2])
    return FuzzWorld(
        tokens=tokens,
        users=users,
        known={
            "public_id": public_ids,
            "code": [world.bundle.code, "M1"],
            "token": [str(t) for t in track_tokens][:2],
        },
    )


@pytest.fixture(scope="module")
def fuzz_world(django_db_setup, django_db_blocker, tmp_path_factory):
    """The world, once per module, rolled back at the end."""
    with django_db_blocker.unblock():
        with override_settings(KAIGONG_KEY_DIR=tmp_path_factory.mktemp("keys")):
            atomic = transaction.atomic()
            atomic.__enter__()
            try:
                world = _build_world()
                KNOWN.update(world.known)
                yield world
            finally:
                transaction.set_rollback(True)
                atomic.__exit__(None, None, None)


def _load_schema():
    """The schema over WSGI, loaded at collection (no database needed)."""
    from config.wsgi import application

    loaded = schemathesis.openapi.from_wsgi("/api/v1/schema/", application)
    loaded.config.generation.update(
        modes=[schemathesis.GenerationMode.POSITIVE, schemathesis.GenerationMode.NEGATIVE]
    )
    checks = loaded.config.checks
    checks.update(included_check_names=["all"])
    # Schema-valid data may still break a business rule the schema cannot state (a wrong
    # password, a form that fails the catalogue's own JSON Schema, an action the status does
    # not allow, a case of somebody else): 400/409/412 are a correct answer to it.
    checks.positive_data_acceptance.expected_statuses = [
        "2XX", "400", "401", "403", "404", "409", "412"
    ]  # fmt: skip
    # Invalid data may also be refused for its size or media type before it is validated.
    checks.negative_data_rejection.expected_statuses = [
        "400", "401", "403", "404", "406", "413", "415", "422", "428"
    ]  # fmt: skip
    return loaded


schema = _load_schema()
# path parameter name → real identifiers; filled by ``fuzz_world`` before the first request
KNOWN: dict[str, list[str]] = {}


@schema.hook
def flatmap_path_parameters(context, path_parameters):
    """Either the generated value or a real identifier of the world (any kind)."""
    if not path_parameters:
        return st.just(path_parameters)
    return st.fixed_dictionaries(
        {
            name: st.sampled_from([value, *KNOWN.get(name, [])])
            for name, value in path_parameters.items()
        }
    )


FORM_MEDIA_TYPES = ("multipart/form-data", "application/x-www-form-urlencoded")
LOGOUT_PATHS = ("/api/v1/auth/logout/", "/api/v1/auth/tokens/")


@schema.hook
def filter_case(context, case):
    """A form body must be an object: the WSGI transport cannot encode anything else."""
    return not (
        (case.media_type or "").startswith(FORM_MEDIA_TYPES) and not isinstance(case.body, dict)
    )


# The role whose token the requests carry; set by ``as_role`` before Hypothesis generates.
CURRENT: dict[str, str | None] = {"token": None}


@schema.auth(refresh_interval=None)
class RoleToken:
    """The current role's token, as explicit authentication (so ``ignored_auth`` can
    check that the same request without it, or with a wrong one, is a 401)."""

    def get(self, case, context):
        return CURRENT["token"]

    def set(self, case, data, context):
        case.headers = {**(case.headers or {}), "Authorization": f"Token {data}"}


@pytest.fixture
def as_role(role, fuzz_world):
    CURRENT["token"] = fuzz_world.tokens.get(role)
    yield role
    CURRENT["token"] = None


def _is_coverage(case) -> bool:
    return bool(case.meta) and case.meta.phase.name.value == "coverage"


def _body_is_negative(case) -> bool:
    component = (case.meta.components if case.meta else {}).get(ComponentKind.BODY)
    return component is not None and component.mode.is_negative


def _optional_auth(operation) -> bool:
    return {} in (operation.definition.raw.get("security") or [{}])


@pytest.fixture(scope="module")
def wsgi_keeps_the_connection():
    # A WSGI call would close the connection at the end of each request (the test client
    # does the same unhooking); keep it so the module's transaction stays open.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@schema.parametrize()
@pytest.mark.parametrize("role", list(ROLES))
@settings(
    max_examples=EXAMPLES_PER_OPERATION_AND_ROLE,
    deadline=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
    derandomize=True,
    database=None,
)
@pytest.mark.django_db
def test_every_operation_as_every_role_conforms_and_never_fails(
    case, as_role, fuzz_world, wsgi_keeps_the_connection
):
    # Rate limits and login lockouts are their own tests: each request starts afresh.
    cache.clear()
    AccessAttempt.objects.all().delete()
    # A public operation answers a request without a token on its merits (not 401):
    # schemathesis' "missing Authorization" expectation does not apply to it.
    if (case.media_type or "").startswith(FORM_MEDIA_TYPES) and not isinstance(case.body, dict):
        return  # a form body must be an object: the WSGI transport cannot encode the rest
    if _is_coverage(case):
        # The coverage phase's variants of the input hardly depend on the role: each runs
        # once, as one of COVERAGE_ROLES in turn, at most COVERAGE_CASES per operation.
        if as_role not in COVERAGE_ROLES:
            return
        key = (case.operation.label, as_role)
        index = COVERAGE_SEEN.get(key, 0)
        COVERAGE_SEEN[key] = index + 1
        share = len(COVERAGE_ROLES)
        if index % share != COVERAGE_ROLES.index(as_role) or index >= COVERAGE_CASES:
            return
    excluded = [missing_required_header] if _optional_auth(case.operation) else []
    if not _body_is_negative(case) or (case.media_type or "").startswith(FORM_MEDIA_TYPES):
        # Negations outside the body are an unknown query parameter (ignored, as HTTP APIs
        # do) or a made-up session cookie next to a valid token: not data to refuse. A form
        # carries text only: a negated type (the number 0 for the text "0", a text part
        # for a file) cannot be told from a valid value on the wire.
        excluded.append(negative_data_rejection)
    if CURRENT["token"]:
        # Cases of the coverage phase are made at collection, before any token exists.
        case.headers = {**(case.headers or {}), "Authorization": f"Token {CURRENT['token']}"}
        case._has_explicit_auth = True
    response = case.call_and_validate(excluded_checks=excluded)
    positive = case.meta is None or case.meta.generation.mode.is_positive
    if positive and case.method.upper() in READ_METHODS:
        assert response.status_code not in (409, 412), (
            f"{case.method} {case.formatted_path} answered {response.status_code} to valid "
            f"data: {response.text[:300]}"
        )
    if case.operation.path.startswith(LOGOUT_PATHS) and as_role in fuzz_world.users:
        # logging out (or revoking a token) may end the role's token: the next examples of
        # this test get a new one (this test's savepoint undoes both afterwards, so the
        # module's token is valid again for the next test)
        CURRENT["token"] = AuthToken.objects.create(user=fuzz_world.users[as_role])[1]
