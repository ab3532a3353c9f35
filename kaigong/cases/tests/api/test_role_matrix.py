"""
Role × endpoint matrix over HTTP: who gets 200/201, and who gets 401, 403 or 404, for every
endpoint of the cases API. The table is written out literally; each row is one endpoint
tried by every role on a case in the state the endpoint needs.

Roles: the applicant of the case's enterprise and of another enterprise, the helper assigned
to the project, a window clerk of the case's service centre and of another centre, the
reviewer / approver / inspector of the item's department (D1) and of another department
(D2, which has its own item in the same case), a supervisor, a catalogue keeper and an
anonymous caller. Not visible is the same 404 as not found; visible but not allowed is 403.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from kaigong.cases.models import Case
from kaigong.cases.services.clock import item_extension_request, item_pause
from kaigong.cases.tests.factories import (
    CaseFactory,
    item_of,
    lifecycle_world,
    upload_all,
    valid_form,
)

from .conftest import client_for, pdf_upload

ROLES = (
    "applicant",
    "other_applicant",
    "helper",
    "clerk",
    "other_clerk",
    "reviewer",
    "approver",
    "inspector",
    "other_reviewer",
    "other_approver",
    "other_inspector",
    "supervisor",
    "catalog_admin",
    "anonymous",
)
WORLD_USER = {
    "applicant": "applicant",
    "other_applicant": "stranger",
    "helper": "helper",
    "clerk": "clerk",
    "other_clerk": "other_clerk",
    "reviewer": "reviewer1",
    "approver": "approver1",
    "inspector": "inspector1",
    "other_reviewer": "reviewer2",
    "other_approver": "approver2",
    "other_inspector": "inspector2",
    "supervisor": "supervisor",
    "catalog_admin": "catalog_admin",
}

# fmt: off
#                          app  oapp help clrk oclk  rev  apr  insp orev oapr oins  sup  cat anon
MATRIX: dict[str, tuple[int, ...]] = {
    "case.list":           (200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 401),
    "case.queue":          (200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 401),
    "case.create":         (201, 404, 201, 403, 403, 404, 404, 404, 404, 404, 404, 403, 404, 401),
    "case.detail":         (200, 404, 200, 200, 404, 200, 200, 200, 200, 200, 200, 200, 404, 401),
    "case.form":           (200, 404, 200, 404, 404, 404, 404, 404, 404, 404, 404, 404, 404, 401),
    "case.form-data":      (200, 404, 200, 404, 404, 404, 404, 404, 404, 404, 404, 404, 404, 401),
    "case.materials":      (201, 404, 201, 404, 404, 404, 404, 404, 404, 404, 404, 404, 404, 401),
    "case.submit":         (200, 404, 200, 404, 404, 404, 404, 404, 404, 404, 404, 404, 404, 401),
    "case.accept":         (403, 404, 403, 200, 404, 404, 404, 404, 404, 404, 404, 403, 404, 401),
    "case.refuse":         (403, 404, 403, 200, 404, 404, 404, 404, 404, 404, 404, 403, 404, 401),
    "case.request-correction":
                           (403, 404, 403, 200, 404, 404, 404, 404, 404, 404, 404, 403, 404, 401),
    "case.resubmit":       (200, 404, 200, 403, 404, 404, 404, 404, 404, 404, 404, 403, 404, 401),
    "case.withdraw":       (200, 404, 200, 403, 404, 404, 404, 404, 404, 404, 404, 403, 404, 401),
    "case.events":         (200, 404, 200, 200, 404, 200, 200, 200, 200, 200, 200, 200, 404, 401),
    "item.list":           (200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 401),
    "item.detail":         (200, 404, 200, 200, 404, 200, 200, 200, 404, 404, 404, 200, 404, 401),
    "item.clock":          (200, 404, 200, 200, 404, 200, 200, 200, 404, 404, 404, 200, 404, 401),
    "item.opinions":       (403, 404, 403, 403, 404, 201, 403, 403, 404, 404, 404, 403, 404, 401),
    "item.pause":          (403, 404, 403, 403, 404, 200, 403, 403, 404, 404, 404, 403, 404, 401),
    "item.resume":         (403, 404, 403, 403, 404, 200, 403, 403, 404, 404, 404, 403, 404, 401),
    "item.extend":         (403, 404, 403, 403, 404, 201, 403, 403, 404, 404, 404, 403, 404, 401),
    "item.extend-approve": (403, 404, 403, 403, 404, 403, 200, 403, 404, 404, 404, 403, 404, 401),
    "item.decide":         (403, 404, 403, 403, 404, 403, 200, 403, 404, 404, 404, 403, 404, 401),
    "item.pre-approve":    (403, 404, 403, 403, 404, 403, 200, 403, 404, 404, 404, 403, 404, 401),
}
# fmt: on


@dataclass
class Target:
    case: Case
    item: Any = None
    extension: Any = None

    @property
    def url(self) -> str:
        return f"/api/v1/cases/{self.case.public_id}/"

    @property
    def item_url(self) -> str:
        return f"/api/v1/items/{self.item.public_id}/"


def _state(world, state: str) -> Target:
    """A case (and its M1 item) in the state an endpoint needs, built through the services."""
    if state in ("draft", "ready"):
        case = CaseFactory(world=world)
        if state == "ready":
            upload_all(case, world.applicant)
        return Target(Case.objects.get(pk=case.pk))
    trait = {"accepted": "accepted", "paused": "accepted", "extension": "accepted"}.get(
        state, state
    )
    case = CaseFactory(world=world, **{trait: True})
    if not case.items.exists():
        return Target(case)
    item = item_of(case, "M1")
    if state == "paused":
        item = item_pause(
            item=item,
            actor=world.reviewer1,
            kind="special_procedure",
            reason="检测",
            evidence="委托单",
            planned_working_days=5,
        )
    extension = None
    if state == "extension":
        extension = item_extension_request(
            item=item, actor=world.reviewer1, working_days=5, reason="需要补充论证"
        )
    return Target(case, item_of(case, "M1"), extension)


Call = Callable[[Any, Target, Any], Any]


def _create(client, target, world):
    body = {"project": str(world.project.public_id), "bundle": world.bundle.code, "matters": []}
    return client.post("/api/v1/cases/", body, format="json")


ENDPOINTS: dict[str, tuple[str, Call]] = {
    "case.list": ("accepted", lambda c, t, w: c.get("/api/v1/cases/")),
    "case.queue": ("submitted", lambda c, t, w: c.get("/api/v1/cases/queue/")),
    "case.create": ("draft", _create),
    "case.detail": ("accepted", lambda c, t, w: c.get(t.url)),
    "case.form": ("draft", lambda c, t, w: c.get(t.url + "form/")),
    "case.form-data": (
        "draft",
        lambda c, t, w: c.put(t.url + "form-data/", {"data": valid_form()}, format="json"),
    ),
    "case.materials": (
        "draft",
        lambda c, t, w: c.post(t.url + "materials/", {"material": "m-form", "file": pdf_upload()}),
    ),
    "case.submit": ("ready", lambda c, t, w: c.post(t.url + "submit/", {}, format="json")),
    "case.accept": ("submitted", lambda c, t, w: c.post(t.url + "accept/", {}, format="json")),
    "case.refuse": (
        "submitted",
        lambda c, t, w: c.post(
            t.url + "refuse/",
            {"reason": "不属于本中心受理范围", "legal_basis": "《行政许可法》第三十二条"},
            format="json",
        ),
    ),
    "case.request-correction": (
        "submitted",
        lambda c, t, w: c.post(
            t.url + "request-correction/",
            {"items": [{"kind": "material", "code": "m-drawings", "problem": "defective"}]},
            format="json",
        ),
    ),
    "case.resubmit": ("correction_requested", lambda c, t, w: c.post(t.url + "resubmit/")),
    "case.withdraw": ("submitted", lambda c, t, w: c.post(t.url + "withdraw/", {}, format="json")),
    "case.events": ("accepted", lambda c, t, w: c.get(t.url + "events/")),
    "item.list": ("accepted", lambda c, t, w: c.get("/api/v1/items/")),
    "item.detail": ("accepted", lambda c, t, w: c.get(t.item_url)),
    "item.clock": ("accepted", lambda c, t, w: c.get(t.item_url + "clock/")),
    "item.opinions": (
        "accepted",
        lambda c, t, w: c.post(
            t.item_url + "opinions/",
            {"text": "符合要求", "recommendation": "approve"},
            format="json",
        ),
    ),
    "item.pause": (
        "accepted",
        lambda c, t, w: c.post(
            t.item_url + "pause/",
            {
                "kind": "special_procedure",
                "reason": "专家评审",
                "evidence": "评审通知",
                "planned_working_days": 5,
            },
            format="json",
        ),
    ),
    "item.resume": ("paused", lambda c, t, w: c.post(t.item_url + "resume/")),
    "item.extend": (
        "accepted",
        lambda c, t, w: c.post(
            t.item_url + "extend/", {"working_days": 10, "reason": "情况复杂"}, format="json"
        ),
    ),
    "item.extend-approve": (
        "extension",
        lambda c, t, w: c.post(
            t.item_url + "extend/approve/", {"extension": str(t.extension.public_id)}, format="json"
        ),
    ),
    "item.decide": (
        "proposed",
        lambda c, t, w: c.post(t.item_url + "decide/", {"decision": "approve"}, format="json"),
    ),
    "item.pre-approve": (
        "accepted",
        lambda c, t, w: c.post(
            t.item_url + "pre-approve/", {"conditions": "按规划条件"}, format="json"
        ),
    ),
}


def test_the_matrix_covers_every_endpoint_and_role():
    assert set(MATRIX) == set(ENDPOINTS)
    assert all(len(row) == len(ROLES) for row in MATRIX.values())


@pytest.mark.django_db
@pytest.mark.parametrize("endpoint", list(MATRIX))
def test_each_role_gets_exactly_its_status(endpoint, monday):
    # given one world and a case in the state the endpoint needs
    world = lifecycle_world()
    state, call = ENDPOINTS[endpoint]
    expected = dict(zip(ROLES, MATRIX[endpoint], strict=True))
    target = _state(world, state)
    mutating = endpoint not in {"case.list", "case.queue", "case.detail", "case.form",
                                "case.events", "item.list", "item.detail", "item.clock"}  # fmt: skip

    # when every role calls it (refused roles first: a refusal changes nothing)
    actual, used = {}, False
    for role in sorted(ROLES, key=lambda r: expected[r] < 300):
        if expected[role] < 300 and mutating and used:
            target = _state(world, state)  # a success changed the state: start afresh
        user = None if role == "anonymous" else world.users[WORLD_USER[role]]
        response = call(client_for(user), target, world)
        actual[role] = response.status_code
        used = used or response.status_code < 300
        if response.status_code >= 400:
            assert response["Content-Type"].startswith("application/problem+json")

    # then each role got what the table says
    assert actual == expected
