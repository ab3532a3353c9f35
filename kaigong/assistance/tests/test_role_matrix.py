"""
The assistance app's role matrix (brief: every operation and page has a row; the cases
matrix counts these rows towards its coverage checks).

Two jurisdictions (沂南 371321, 潍坊 370700). Every operation is called as every role of
沂南 on 沂南's objects, each call in a transaction that is rolled back (so each role finds
the same world); the row says the status (200 stands for any 2xx). Then every role of
潍坊 calls each scoped row and must get 404, and every page that names a 沂南 object,
with GET and POST. One world, built once, in one test.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, cast

from django.db import transaction
from django.test import Client

import pytest

from kaigong.accounts.models import User
from kaigong.accounts.roles import Role
from kaigong.accounts.services import membership_grant
from kaigong.accounts.tests.factories import UserFactory
from kaigong.assistance.constants import MandateAction
from kaigong.assistance.models import ExpertDuty
from kaigong.assistance.services import (
    assignment_create,
    mandate_grant,
    policy_publish,
    pre_review_request,
    question_answer,
    question_ask,
    session_sign_up,
    suggestion_record,
    team_create,
)
from kaigong.cases.tests.api.conftest import client_for
from kaigong.cases.tests.factories import CaseFactory, World, two_jurisdictions

from .conftest import at

OK = 200
ROLES = ("applicant", "helper", "clerk", "expert", "head", "reviewer", "supervisor", "anonymous")
OUTSIDERS = ("applicant", "helper", "clerk", "expert", "head", "reviewer")


@dataclass
class Objects:
    world: World
    helper2: Any
    assignment: Any
    mandate: Any
    question: Any
    answered: Any
    policy: Any
    session: Any
    draft: Any
    pre_review: Any
    suggestion: Any
    team: Any
    signup: Any

    @property
    def users(self) -> dict[str, Any]:
        return self.world.users


def _build(world: World) -> Objects:
    users = world.users
    department = world.departments[0]
    users["expert"] = UserFactory(username=f"expert{world.enterprise.pk}")
    membership_grant(user=users["expert"], role=Role.EXPERT, department=department)
    users["head"] = UserFactory(username=f"head{world.enterprise.pk}")
    membership_grant(user=users["head"], role=Role.DEPARTMENT_HEAD, department=department)
    users["reviewer"] = users["reviewer1"]
    helper2 = cast(User, UserFactory(username=f"helper2-{world.enterprise.pk}"))
    membership_grant(user=helper2, role=Role.HELPER, service_center=world.centre)
    ExpertDuty.objects.create(
        department=department,
        expert=users["expert"],
        start=dt.date(2026, 1, 1),
        end=dt.date(2026, 12, 31),
    )
    world.project.helpers.clear()
    assignment = assignment_create(
        actor=users["clerk"], project=world.project, helper=users["helper"], level="county"
    )
    mandate = mandate_grant(
        actor=users["applicant"],
        enterprise=world.enterprise,
        agent=users["helper"],
        projects=[world.project],
        actions=list(MandateAction.values),
        valid_until=dt.date(2026, 12, 31),
    )
    matter = world.versions["M1"].matter
    ask = {"department": department, "project": world.project, "matter": matter}
    question = question_ask(actor=users["applicant"], text="施工许可需要哪些材料？", **ask)
    answered = question_ask(actor=users["applicant"], text="消防审验如何办理？", **ask)
    question_answer(actor=users["expert"], question=answered, answer="按指南办理。")
    policy = policy_publish(actor=users["head"], kind="policy", title="惠企政策", body="政策正文")
    session = policy_publish(
        actor=users["head"],
        kind="session",
        title="政策解读课",
        body="解读内容",
        session_at=at(2026, 3, 20, 15),
        venue="三楼会议室",
    )
    draft = CaseFactory(world=world)
    pre_review = pre_review_request(actor=users["applicant"], case=draft)
    suggestion = suggestion_record(
        actor=users["head"],
        source="forum",
        text="延长窗口服务时间",
        owner=department,
        deadline=dt.date(2026, 4, 30),
    )
    team = team_create(
        actor=users["clerk"], name="重点项目专班", lead=users["helper"], members=[helper2]
    )
    signup = session_sign_up(
        actor=users["applicant"], policy=session, enterprise=world.enterprise, attendee="李四"
    )
    return Objects(
        world,
        helper2,
        assignment,
        mandate,
        question,
        answered,
        policy,
        session,
        draft,
        pre_review,
        suggestion,
        team,
        signup,
    )


Call = Callable[[Any, Objects], Any]


def _get(url: str) -> Call:
    return lambda c, o: c.get(url.format(o=o))


def _post(url: str, body: Callable[[Objects], dict] | None = None) -> Call:
    return lambda c, o: c.post(url.format(o=o), body(o) if body else {}, format="json")


A = "/api/v1/assistance/"

# fmt: off
#                     app  help clrk exp  head rev  sup  anon
API_ROWS: dict[tuple[str, str], tuple[Call, tuple[int, ...], bool]] = {
    ("GET", A + "assignments/"): (
        _get(A + "assignments/"), (OK, OK, OK, OK, OK, OK, OK, 401), False),
    ("POST", A + "assignments/"): (
        _post(A + "assignments/", lambda o: {
            "project": str(o.world.project.public_id), "helper": str(o.helper2.public_id),
            "level": "town"}),
        (403, 403, 201, 404, 404, 404, 403, 401), True),
    ("POST", A + "assignments/{public_id}/hand-over/"): (
        _post(A + "assignments/{o.assignment.public_id}/hand-over/",
              lambda o: {"to_helper": str(o.helper2.public_id)}),
        (403, 403, 201, 404, 404, 404, 403, 401), True),
    ("GET", A + "mandates/"): (
        _get(A + "mandates/"), (OK, OK, OK, OK, OK, OK, OK, 401), False),
    ("POST", A + "mandates/"): (
        _post(A + "mandates/", lambda o: {
            "agent": str(o.users["helper"].public_id),
            "projects": [str(o.world.project.public_id)], "actions": ["submit"],
            "valid_until": "2026-06-30"}),
        (201, 403, 403, 404, 404, 404, 403, 401), True),
    ("GET", A + "mandates/{public_id}/"): (
        _get(A + "mandates/{o.mandate.public_id}/"),
        (OK, OK, OK, 404, 404, 404, OK, 401), True),
    ("POST", A + "mandates/{public_id}/revoke/"): (
        _post(A + "mandates/{o.mandate.public_id}/revoke/"),
        (OK, 403, 403, 404, 404, 404, 403, 401), True),
    ("GET", A + "questions/"): (
        _get(A + "questions/"), (OK, OK, OK, OK, OK, OK, OK, 401), False),
    ("POST", A + "questions/"): (
        _post(A + "questions/", lambda o: {
            "project": str(o.world.project.public_id),
            "department": o.world.departments[0].code, "text": "能否容缺受理？"}),
        (201, 201, 403, 404, 404, 404, 403, 401), True),
    ("POST", A + "questions/{public_id}/answer/"): (
        _post(A + "questions/{o.question.public_id}/answer/", lambda o: {"answer": "可以。"}),
        (403, 403, 403, OK, OK, 403, 403, 401), True),
    ("POST", A + "questions/{public_id}/publish/"): (
        _post(A + "questions/{o.answered.public_id}/publish/"),
        (403, 403, 403, OK, OK, 403, 403, 401), True),
    ("GET", A + "policies/"): (
        _get(A + "policies/"), (OK, OK, OK, OK, OK, OK, OK, 401), False),
    ("POST", A + "policies/"): (
        _post(A + "policies/", lambda o: {"kind": "policy", "title": "新政", "body": "内容"}),
        (403, 403, 403, 403, 201, 403, 403, 401), False),
    ("POST", A + "policies/{public_id}/read/"): (
        _post(A + "policies/{o.policy.public_id}/read/",
              lambda o: {"enterprise": str(o.world.enterprise.public_id)}),
        (OK, 404, 404, 404, 404, 404, 404, 401), True),
    ("POST", A + "policies/{public_id}/sign-up/"): (
        _post(A + "policies/{o.session.public_id}/sign-up/",
              lambda o: {"enterprise": str(o.world.enterprise.public_id), "attendee": "张三"}),
        (201, 404, 404, 404, 404, 404, 404, 401), True),
    ("GET", A + "pre-reviews/"): (
        _get(A + "pre-reviews/"), (OK, OK, OK, OK, OK, OK, OK, 401), False),
    ("POST", A + "pre-reviews/"): (
        _post(A + "pre-reviews/", lambda o: {"case": str(o.draft.public_id)}),
        (201, 201, 404, 404, 404, 404, 404, 401), True),
    ("POST", A + "pre-reviews/{public_id}/annotate/"): (
        _post(A + "pre-reviews/{o.pre_review.public_id}/annotate/",
              lambda o: {"notes": [{"target": "field", "code": "floor_area", "text": "核对面积"}]}),
        (403, 403, OK, OK, OK, OK, 404, 401), True),
    ("GET", A + "teams/"): (
        _get(A + "teams/"), (OK, OK, OK, OK, OK, OK, OK, 401), False),
    ("POST", A + "teams/"): (
        _post(A + "teams/", lambda o: {
            "name": "新专班", "lead": str(o.users["helper"].public_id),
            "members": [str(o.helper2.public_id)]}),
        (403, 403, 201, 403, 403, 403, 403, 401), False),
    ("GET", A + "signups/"): (
        _get(A + "signups/"), (OK, OK, OK, OK, OK, OK, OK, 401), False),
    ("POST", A + "signups/{public_id}/attendance/"): (
        _post(A + "signups/{o.signup.public_id}/attendance/", lambda o: {"attended": True}),
        (404, 404, 404, 403, OK, 403, 404, 401), True),
    ("GET", A + "suggestions/"): (
        _get(A + "suggestions/"), (OK, OK, OK, OK, OK, OK, OK, 401), False),
    ("POST", A + "suggestions/"): (
        _post(A + "suggestions/", lambda o: {
            "source": "forum", "text": "简化竣工验收材料", "owner": o.world.departments[0].code,
            "deadline": "2026-05-31"}),
        (403, 403, 201, 201, 201, 201, 403, 401), False),
    ("GET", A + "suggestions/{public_id}/"): (
        _get(A + "suggestions/{o.suggestion.public_id}/"),
        (404, 404, OK, OK, OK, OK, OK, 401), True),
    ("POST", A + "suggestions/{public_id}/close/"): (
        _post(A + "suggestions/{o.suggestion.public_id}/close/",
              lambda o: {"status": "done", "result": "已延长至晚七点"}),
        (404, 404, 403, 403, OK, 403, 403, 401), True),
    ("GET", A + "workbench/"): (
        _get(A + "workbench/"), (OK, OK, OK, OK, OK, OK, OK, 401), False),
}

W = "/assistance/"
#              app  help clrk exp  head rev  sup  anon(302: the login page)
PAGES: dict[str, tuple[Callable[[Objects], str], tuple[int, ...], bool]] = {
    "assistance/workbench/": (
        lambda o: W + "workbench/", (403, OK, 403, 403, 403, 403, 403, 302), False),
    "assistance/projects/<uuid:public_id>/": (
        lambda o: f"{W}projects/{o.world.project.public_id}/",
        (OK, OK, OK, 404, 404, 404, OK, 302), True),
    "assistance/mandates/": (lambda o: W + "mandates/", (OK,) * 7 + (302,), False),
    "assistance/mandates/<uuid:public_id>/": (
        lambda o: f"{W}mandates/{o.mandate.public_id}/",
        (OK, OK, OK, 404, 404, 404, OK, 302), True),
    "assistance/questions/": (lambda o: W + "questions/", (OK,) * 7 + (302,), False),
    "assistance/questions/<uuid:public_id>/": (
        lambda o: f"{W}questions/{o.question.public_id}/", (OK,) * 7 + (302,), True),
    "assistance/policies/": (lambda o: W + "policies/", (OK,) * 7 + (302,), False),
    "assistance/policies/<uuid:public_id>/": (
        lambda o: f"{W}policies/{o.policy.public_id}/", (OK,) * 7 + (302,), True),
    "assistance/suggestions/": (lambda o: W + "suggestions/", (OK,) * 7 + (302,), False),
    "assistance/suggestions/<uuid:public_id>/": (
        lambda o: f"{W}suggestions/{o.suggestion.public_id}/",
        (404, 404, OK, OK, OK, OK, OK, 302), True),
    "assistance/pre-reviews/": (lambda o: W + "pre-reviews/", (OK,) * 7 + (302,), False),
    "assistance/pre-reviews/<uuid:public_id>/": (
        lambda o: f"{W}pre-reviews/{o.pre_review.public_id}/",
        (OK, OK, OK, OK, OK, OK, 404, 302), True),
}
# fmt: on
PAGE_ROWS: set[str] = set(PAGES)


class _Undo(Exception):
    pass


def _status(call) -> int:
    """The status of one call, everything it wrote rolled back."""
    result = {}
    try:
        with transaction.atomic():
            result["status"] = call().status_code
            raise _Undo
    except _Undo:
        pass
    return result["status"]


def _api_client(user):
    return client_for(user)


def _page_client(user):
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.mark.django_db
def test_each_role_and_every_outsider(monday):
    yinan_world, weifang_world = two_jurisdictions()
    yinan, weifang = _build(yinan_world), _build(weifang_world)
    wrong: list[str] = []

    # every role of 沂南 on 沂南's objects
    for (method, path), (call, expect, _scoped) in API_ROWS.items():
        for role, wanted in zip(ROLES, expect, strict=True):
            user = None if role == "anonymous" else yinan.users[role]
            got = _status(lambda call=call, user=user: call(_api_client(user), yinan))
            got = OK if 200 <= got < 300 and wanted == OK else got
            if got != wanted:
                wrong.append(f"{role}: {method} {path} → {got}, expected {wanted}")
    for route, (url, expect, _scoped) in PAGES.items():
        for role, wanted in zip(ROLES, expect, strict=True):
            user = None if role == "anonymous" else yinan.users[role]
            got = _status(lambda url=url, user=user: _page_client(user).get(url(yinan)))
            if got != wanted:
                wrong.append(f"{role}: GET /{route} → {got}, expected {wanted}")

    # every role of 潍坊 on 沂南's objects: not found, read or write
    for (method, path), (call, _expect, scoped) in API_ROWS.items():
        if not scoped:
            continue
        for role in OUTSIDERS:
            got = _status(
                lambda call=call, role=role: call(_api_client(weifang.users[role]), yinan)
            )
            if got != 404:
                wrong.append(f"outsider {role}: {method} {path} → {got}")
    for route, (url, _expect, scoped) in PAGES.items():
        if not scoped:
            continue
        for role in OUTSIDERS:
            for method in ("get", "post"):
                got = _status(
                    lambda url=url, role=role, method=method: getattr(
                        _page_client(weifang.users[role]), method
                    )(url(yinan))
                )
                if got != 404:
                    wrong.append(f"outsider {role}: {method} /{route} → {got}")

    # the lists never show an outsider 沂南's objects
    lists = ("mandates/", "questions/", "pre-reviews/", "assignments/", "teams/", "signups/")
    for path in (*lists, "suggestions/"):
        for role in OUTSIDERS:
            body = _api_client(weifang.users[role]).get(A + path).content.decode()
            objects = (yinan.mandate, yinan.question, yinan.pre_review, yinan.assignment)
            for obj in (*objects, yinan.team, yinan.signup, yinan.suggestion):
                if str(obj.public_id) in body:
                    wrong.append(f"outsider {role}: {path} lists {obj}")

    assert wrong == [], "\n".join(wrong)
