"""Items endpoints over HTTP: the worklist, and each command's success, 400 and 409."""

from __future__ import annotations

import pytest

from kaigong.cases.services.clock import item_extension_request, item_pause
from kaigong.cases.tests.factories import CaseFactory, item_of, lifecycle_world

from .conftest import client_for


def url(item, tail: str = "") -> str:
    return f"/api/v1/items/{item.public_id}/{tail}"


@pytest.fixture
def world(monday):
    return lifecycle_world()


@pytest.mark.django_db
def test_worklist_is_ordered_by_due_date_with_warning_colours(world, monday):
    # given two accepted cases, the second a week later
    early = CaseFactory(world=world, accepted=True)
    monday.shift(7 * 24 * 3600)
    late = CaseFactory(world=world, accepted=True)
    reviewer = client_for(world.reviewer1)

    # when the reviewer reads the worklist on Monday 9 March (the first one is due today)
    body = reviewer.get("/api/v1/items/").json()

    # then the first case's item comes first and is yellow; the later one is green
    results = body["results"]
    assert [r["case"] for r in results] == [str(early.public_id), str(late.public_id)]
    assert [r["warning"] for r in results] == ["yellow", "green"]
    assert {r["department"]["code"] for r in results} == {world.departments[0].code}
    yellow = reviewer.get("/api/v1/items/?warning=yellow").json()["results"]
    assert [r["case"] for r in yellow] == [str(early.public_id)]


@pytest.mark.django_db
def test_worklist_turns_red_once_overdue(world, monday):
    CaseFactory(world=world, accepted=True)
    monday.shift(8 * 24 * 3600)  # Tuesday 10 March: due 9 March has passed

    body = client_for(world.approver1).get("/api/v1/items/?warning=red").json()

    assert body["count"] == 1


@pytest.mark.django_db
def test_worklist_refuses_an_unknown_colour(world):
    response = client_for(world.reviewer1).get("/api/v1/items/?warning=purple")

    assert response.status_code == 400
    assert response.json()["invalid_params"][0]["name"] == "warning"


@pytest.mark.django_db
def test_worklist_filters_by_department_for_a_supervisor(world):
    CaseFactory(world=world, accepted=True)
    code = world.departments[1].code

    body = client_for(world.supervisor).get(f"/api/v1/items/?department={code}").json()

    assert [r["department"]["code"] for r in body["results"]] == [code]


@pytest.mark.django_db
def test_opinion_then_decision_approves_and_the_last_decision_concludes(world):
    # given an accepted case with two items
    case = CaseFactory(world=world, accepted=True)

    # when each department's reviewer and approver act
    for index, matter in ((1, "M1"), (2, "M2")):
        item = item_of(case, matter)
        opinion = client_for(world.users[f"reviewer{index}"]).post(
            url(item, "opinions/"), {"text": "同意", "recommendation": "approve"}, format="json"
        )
        assert opinion.status_code == 201
        assert opinion.json()["recommendation"] == "approve"
        decided = client_for(world.users[f"approver{index}"]).post(
            url(item, "decide/"), {"decision": "approve"}, format="json"
        )
        assert decided.status_code == 200
        assert decided.json()["status"] == "approved"

    # then the bundle is concluded once and the results issued together
    case.refresh_from_db()
    assert case.status == "issued"


@pytest.mark.django_db
def test_a_denial_needs_reason_legal_basis_and_rights(world):
    case = CaseFactory(world=world, proposed=True)
    item = item_of(case, "M1")
    approver = client_for(world.approver1)

    bare = approver.post(
        url(item, "decide/"), {"decision": "deny", "reason": "不符合"}, format="json"
    )
    full = approver.post(
        url(item, "decide/"),
        {
            "decision": "deny",
            "reason": "不符合规划条件",
            "legal_basis": "《城乡规划法》第四十条",
            "applicant_rights": "可于六十日内申请行政复议",
        },
        format="json",
    )

    assert bare.status_code == 400
    assert {p["code"] for p in bare.json()["invalid_params"]} == {
        "legal_basis_required",
        "rights_required",
    }
    assert full.status_code == 200
    assert full.json()["status"] == "denied"


@pytest.mark.django_db
def test_the_reviewer_cannot_also_decide(world):
    # given the same person holds both roles in D1 and wrote the opinion
    from kaigong.accounts.roles import Role
    from kaigong.accounts.services import membership_grant

    membership_grant(user=world.reviewer1, role=Role.APPROVER, department=world.departments[0])
    case = CaseFactory(world=world, proposed=True)

    response = client_for(world.reviewer1).post(
        url(item_of(case, "M1"), "decide/"), {"decision": "approve"}, format="json"
    )

    assert response.status_code == 403
    assert response.json()["code"] == "separation_of_duties"


@pytest.mark.django_db
def test_pause_and_resume_move_the_due_date_by_the_paused_working_days(world, monday):
    # given an item accepted on Monday 2 March, due Monday 9 March
    case = CaseFactory(world=world, accepted=True)
    item = item_of(case, "M1")
    reviewer = client_for(world.reviewer1)

    # when it is paused on Tuesday and resumed on Thursday
    monday.shift(24 * 3600)
    paused = reviewer.post(
        url(item, "pause/"),
        {
            "kind": "special_procedure",
            "reason": "检测",
            "evidence": "检测委托书",
            "planned_working_days": 5,
        },
        format="json",
    )
    monday.shift(2 * 24 * 3600)
    resumed = reviewer.post(url(item, "resume/"))

    # then Tuesday and Wednesday do not count: due two working days later
    assert paused.status_code == 200
    assert paused.json()["status"] == "paused"
    assert resumed.status_code == 200
    assert resumed.json()["promised_due_on"] == "2026-03-11"
    clock = reviewer.get(url(item, "clock/")).json()["promised"]
    assert [s["date"] for s in clock["skipped"] if s["kind"] == "paused"] == [
        "2026-03-03",
        "2026-03-04",
    ]


@pytest.mark.django_db
def test_pause_needs_reason_and_evidence(world):
    item = item_of(CaseFactory(world=world, accepted=True), "M1")

    response = client_for(world.reviewer1).post(
        url(item, "pause/"),
        {"kind": "special_procedure", "reason": "检测", "evidence": "", "planned_working_days": 5},
        format="json",
    )

    assert response.status_code == 400
    assert response.json()["code"] == "reason_required"


@pytest.mark.django_db
def test_clock_explains_the_due_date_day_by_day(world):
    item = item_of(CaseFactory(world=world, accepted=True), "M1")

    body = client_for(world.applicant).get(url(item, "clock/")).json()

    promised = body["promised"]
    assert promised["start"] == "2026-03-02"
    assert promised["due_on"] == "2026-03-09"
    assert promised["counted"] == [
        "2026-03-03",
        "2026-03-04",
        "2026-03-05",
        "2026-03-06",
        "2026-03-09",
    ]
    assert [(s["date"], s["kind"]) for s in promised["skipped"]] == [
        ("2026-03-07", "weekend"),
        ("2026-03-08", "weekend"),
    ]
    assert body["statutory"]["days"] == 20


@pytest.mark.django_db
def test_extension_request_then_approval_adds_working_days(world):
    item = item_of(CaseFactory(world=world, accepted=True), "M1")

    requested = client_for(world.reviewer1).post(
        url(item, "extend/"), {"working_days": 10, "reason": "需组织专家论证"}, format="json"
    )
    approved = client_for(world.approver1).post(
        url(item, "extend/approve/"), {"extension": requested.json()["id"]}, format="json"
    )

    assert requested.status_code == 201
    assert approved.status_code == 200
    assert approved.json()["extension_days"] == 10
    assert approved.json()["promised_due_on"] == "2026-03-23"


@pytest.mark.django_db
def test_extension_is_limited_to_fifteen_working_days(world):
    item = item_of(CaseFactory(world=world, accepted=True), "M1")

    response = client_for(world.reviewer1).post(
        url(item, "extend/"), {"working_days": 20, "reason": "复杂"}, format="json"
    )

    assert response.status_code == 400
    assert response.json()["invalid_params"][0]["name"] == "working_days"


@pytest.mark.django_db
def test_approving_an_unknown_extension_is_not_found(world):
    item = item_of(CaseFactory(world=world, accepted=True), "M1")

    response = client_for(world.approver1).post(
        url(item, "extend/approve/"),
        {"extension": "00000000-0000-0000-0000-000000000000"},
        format="json",
    )

    assert response.status_code == 404
    assert response.json()["code"] == "extension_not_found"


@pytest.mark.django_db
def test_pre_approval_records_a_conditional_result(world):
    item = item_of(CaseFactory(world=world, accepted=True), "M1")

    response = client_for(world.approver1).post(
        url(item, "pre-approve/"), {"conditions": "按审定方案实施"}, format="json"
    )

    assert response.status_code == 200
    assert response.json()["kind"] == "pre_approval"
    item.refresh_from_db()
    assert item.status == "pre_approved"


def _proposed_item(world):
    return item_of(CaseFactory(world=world, proposed=True), "M1")


def _accepted_item(world, matter="M1"):
    return item_of(CaseFactory(world=world, accepted=True), matter)


def _requested_twice(world):
    item = _accepted_item(world)
    item_extension_request(item=item, actor=world.reviewer1, working_days=5, reason="复杂")
    return item


def _paused_item(world):
    item = _accepted_item(world)
    return item_pause(
        item=item,
        actor=world.reviewer1,
        kind="special_procedure",
        reason="检测",
        evidence="单",
        planned_working_days=5,
    )


CONFLICTS = [
    ("opinions/", "reviewer1", _proposed_item, {"text": "x", "recommendation": "approve"}, "transition_not_allowed"),
    ("decide/", "approver1", _accepted_item, {"decision": "approve"}, "transition_not_allowed"),
    ("pause/", "reviewer1", _proposed_item, {"reason": "x", "evidence": "y", "planned_working_days": 5}, "transition_not_allowed"),
    ("resume/", "reviewer1", _accepted_item, {}, "transition_not_allowed"),
    ("extend/", "reviewer1", _requested_twice, {"working_days": 5, "reason": "x"}, "extension_invalid"),
    ("pre-approve/", "approver1", lambda w: _accepted_item(w, "M2"), {}, "pre_approval_not_allowed"),
]  # fmt: skip


@pytest.mark.django_db
@pytest.mark.parametrize(("tail", "actor", "make", "body", "code"), CONFLICTS)
def test_an_item_command_in_the_wrong_state_is_a_conflict(world, tail, actor, make, body, code):
    if tail == "pre-approve/":
        actor = "approver2"  # M2 is in D2
    item = make(world)

    response = client_for(world.users[actor]).post(url(item, tail), body, format="json")

    assert response.status_code == 409
    assert response.json()["code"] == code


@pytest.mark.django_db
def test_approving_an_extension_twice_is_a_conflict(world):
    item = _accepted_item(world)
    extension = item_extension_request(item=item, actor=world.reviewer1, working_days=5, reason="x")
    approver = client_for(world.approver1)
    body = {"extension": str(extension.public_id)}

    approver.post(url(item, "extend/approve/"), body, format="json")
    again = approver.post(url(item, "extend/approve/"), body, format="json")

    assert again.status_code == 409
    assert again.json()["code"] == "extension_not_pending"


@pytest.mark.django_db
def test_the_clock_of_a_waiting_item_is_a_conflict(monday):
    world = lifecycle_world(dependency="requires_result")
    item = item_of(CaseFactory(world=world, accepted=True), "M2")

    response = client_for(world.reviewer2).get(url(item, "clock/"))

    assert item.status == "waiting"
    assert response.status_code == 409
    assert response.json()["code"] == "clock_not_started"
