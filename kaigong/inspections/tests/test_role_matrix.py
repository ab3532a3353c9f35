"""
Who may call what in inspections and joint reviews (rows for the generated role matrix,
kaigong/cases/tests/api/test_role_matrix.py), and the test that calls every row as every
role of 沂南 and as the people of 潍坊 (outsiders: 404 on every object of 沂南).

Each write is called inside a savepoint that is rolled back, so that every role meets the
object in the same state. ``V`` = whoever sees the object (its enterprise, the items'
departments, supervisors), ``VP`` with the panel's experts; the others get 404. Every
panel here is the whole eligible pool (four), so the matrix's expert sits on each.
"""

from __future__ import annotations

from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client, override_settings

import pytest
import time_machine
from knox.models import AuthToken
from rest_framework.test import APIClient

from kaigong.accounts.roles import Role
from kaigong.cases.tests.conftest import MONDAY
from kaigong.cases.tests.factories import PNG, CaseFactory, _user, item_of, two_jurisdictions
from kaigong.inspections import joint_services as js
from kaigong.inspections import services as s
from kaigong.inspections.models import InspectionStandard

from .factories import SITE, expert_pool, png, published_standard, requested, slots

pytestmark = pytest.mark.django_db

P = "/api/v1/inspections/"
J = "/api/v1/joint-reviews/"
API_ROWS = {
    ("GET", P + "standards/"): "signed in: published standards; drafts for the catalogue keeper",
    ("POST", P + "standards/"): "catalogue keeper",
    ("GET", P + "standards/{public_id}/"): "signed in (published); keeper (drafts)",
    ("POST", P + "standards/{public_id}/items/"): "catalogue keeper, draft",
    ("POST", P + "standards/{public_id}/items/{item_id}/samples/"): "catalogue keeper, draft",
    ("POST", P + "standards/{public_id}/publish/"): "catalogue keeper, draft",
    ("GET", P): "signed in: the inspections of the items they see",
    ("POST", P): "reviewer of the item",
    ("GET", P + "{public_id}/"): "who sees the item",
    ("POST", P + "{public_id}/slot/"): "applicant",
    ("POST", P + "{public_id}/rehearsal/"): "inspectors, person on site",
    ("POST", P + "{public_id}/start/"): "inspectors",
    ("POST", P + "{public_id}/cancel/"): "requesting reviewer",
    ("POST", P + "{public_id}/snapshots/"): "inspectors",
    ("POST", P + "{public_id}/segments/"): "inspectors, during the call",
    ("POST", P + "{public_id}/locations/"): "person on site",
    ("PUT", P + "{public_id}/results/{item_id}/"): "inspectors",
    ("GET", P + "{public_id}/record/"): "who sees the item",
    ("POST", P + "{public_id}/record/"): "inspectors",
    ("POST", P + "{public_id}/record/sign/"): "inspectors, then the applicant",
    ("GET", P + "{public_id}/record/pdf/"): "who sees the item",
    ("GET", P + "{public_id}/record/verify/"): "who sees the item",
    ("GET", J + "experts/"): "keeper, reviewers, department heads, supervisors",
    ("POST", J + "experts/"): "catalogue keeper",
    ("GET", J): "signed in: the joint reviews of the items they see or sit on",
    ("POST", J): "reviewer / department head of one of the items",
    ("GET", J + "{public_id}/"): "who sees an item, the panel",
    ("POST", J + "{public_id}/draw/"): "lead department",
    ("POST", J + "{public_id}/draw/reveal/"): "lead department",
    ("POST", J + "{public_id}/opinions/"): "panel experts; the lead minuting for one; reviewers "
    "of the items' departments (their department's opinion)",
    ("POST", J + "{public_id}/opinions/sign/"): "panel experts (their own opinion of the round)",
    ("POST", J + "{public_id}/conflicts/resolve/"): "lead department",
    ("GET", J + "{public_id}/consolidated/"): "who sees the review",
    ("POST", J + "{public_id}/letter/"): "lead department",
    ("GET", J + "{public_id}/letter/pdf/"): "who sees the review",
    ("POST", J + "{public_id}/responses/"): "applicant",
    ("POST", J + "{public_id}/conclude/"): "lead department",
}
PAGE_ROWS = {
    "inspections/",
    "inspections/standards/",
    "inspections/standards/<uuid:public_id>/",
    "inspections/samples/<uuid:public_id>/",
    "inspections/new/<uuid:item_id>/",
    "inspections/records/<uuid:public_id>/verify/",
    "inspections/<uuid:public_id>/",
    "inspections/<uuid:public_id>/call/",
    "inspections/<uuid:public_id>/rehearsal/",
    "inspections/<uuid:public_id>/snapshots/<uuid:snapshot_id>/",
    "inspections/<uuid:public_id>/segments/<int:sequence>/",
    "inspections/<uuid:public_id>/record.pdf",
    "joint-reviews/",
    "joint-reviews/experts/",
    "joint-reviews/new/<uuid:case_id>/",
    "joint-reviews/<uuid:public_id>/",
    "joint-reviews/<uuid:public_id>/letter.pdf",
}

ROLES = ("applicant", "reviewer1", "inspector1", "expert", "supervisor", "catalog_admin",
         "stranger", "anonymous")  # fmt: skip
OUTSIDERS = ("applicant", "reviewer1", "inspector1", "clerk")
V = {"applicant", "reviewer1", "inspector1", "supervisor"}  # who sees the case's objects
VP = V | {"expert"}  # …and the panel's experts, once a panel is drawn
SIGNED_IN = set(ROLES) - {"anonymous"}


def _world():
    yinan, weifang = two_jurisdictions()
    w = yinan
    d1 = w.departments[0]
    w.users["inspector1b"] = _user(Role.INSPECTOR, f"insp1b{w.enterprise.pk}", department=d1)
    w.project.latitude, w.project.longitude = SITE
    w.project.save(update_fields=["latitude", "longitude"])
    standard = published_standard(w)
    draft = s.standard_create(actor=w.catalog_admin, matter_version=w.versions["M2"], title="草稿")
    draft_item = s.checklist_item_add(actor=w.catalog_admin, standard=draft, title="t", method="m",
                                      pass_criteria="p")  # fmt: skip
    pool = expert_pool(w)
    w.users["expert"] = pool["王环评"].user
    cases = [CaseFactory(world=w, accepted=True) for _ in range(5)]
    items = [item_of(c, "M1") for c in cases]
    first, second = standard.items.all()
    o = {"standard": standard, "draft": draft, "draft_item": draft_item, "free_item": items[4],
         "case": cases[0], "checklist_item": first, "pool": pool}  # fmt: skip
    a = requested(w, items[0], slots=slots(days=3))
    o["A"] = s.inspection_slot_pick(actor=w.applicant, inspection=a, slot=a.slots.get().public_id)
    inspections = []
    for item in items[1:4]:
        x = requested(w, item)
        s.inspection_slot_pick(actor=w.applicant, inspection=x, slot=x.slots.get().public_id)
        inspections.append(x)
    return w, weifang, o, inspections, first, second


def _advance(w, o, inspections, first, second):
    """Tuesday: B in progress with every result; C recorded; D completed."""
    b, c, d = inspections
    for x in (b, c, d):
        s.inspection_start(actor=w.inspector1, inspection=x)
        s.snapshot_add(actor=w.inspector1, inspection=x, checklist_item=first.public_id, file=png(),
                       call_offset_ms=1000)  # fmt: skip
        s.location_add(actor=w.applicant, inspection=x, latitude="35.55", longitude="118.46")
        for check in (first, second):
            s.result_set(
                actor=w.inspector1, inspection=x, checklist_item=check.public_id, result="pass"
            )
    s.segment_add(actor=w.inspector1, inspection=d, sequence=0, start_ms=0, end_ms=900,
                  file=SimpleUploadedFile("s.webm", b"\x1a\x45\xdf\xa3" + b"0" * 64))  # fmt: skip
    for x in (c, d):
        s.record_write(actor=w.inspector1, inspection=x, conclusion="pass", summary="合格")
    record = d.record
    for signer in (w.inspector1, w.inspector1b, w.applicant):
        s.record_sign(actor=signer, record=record)
    o.update({"B": b, "C": c, "D": d, "record": record, "snapshot": d.snapshots.get()})
    o["sample"] = o["checklist_item"].samples.get()
    # joint reviews in each state, all on the first case
    m1, m2 = item_of(o["case"], "M1"), item_of(o["case"], "M2")

    def convene():
        return js.joint_review_convene(actor=w.reviewer1, case=o["case"], items=[m1, m2],
                                       title="多评合一", panel_size=4, quorum=1)  # fmt: skip

    o["JR1"] = convene()
    o["JR2"] = js.panel_draw_prepare(actor=w.reviewer1, review=convene())
    jr = js.panel_draw_reveal(actor=w.reviewer1, review=js.panel_draw_prepare(
        actor=w.reviewer1, review=convene()), witnesses=["见证人"])  # fmt: skip
    o["JR3"] = jr
    js.opinion_add(actor=w.users["expert"], review=jr, topic="environment", material="报告表",
                   clause="HJ 2.1 第5条", severity="must_fix", text="补充预测")  # fmt: skip
    jr4 = js.panel_draw_reveal(actor=w.reviewer1, review=js.panel_draw_prepare(
        actor=w.reviewer1, review=convene()), witnesses=["见证人"])  # fmt: skip
    js.opinion_add(actor=w.users["expert"], review=jr4, topic="energy",
                   material="节能报告", clause="GB 1", severity="must_fix", text="核实")  # fmt: skip
    js.opinion_sign(actor=w.users["expert"], review=jr4)
    o["JR4"] = js.letter_issue(actor=w.reviewer1, review=jr4)
    jr5 = js.panel_draw_reveal(actor=w.reviewer1, review=js.panel_draw_prepare(
        actor=w.reviewer1, review=convene()), witnesses=["见证人"])  # fmt: skip
    js.opinion_add(actor=w.users["expert"], review=jr5, topic="energy",
                   material="节能报告", clause="GB 1", severity="suggestion", text="建议")  # fmt: skip
    js.opinion_sign(actor=w.users["expert"], review=jr5)
    o["JR5"] = js.letter_issue(actor=w.reviewer1, review=jr5)
    # JR6: signed, and the lead department's own opinion contradicts the expert's 同意
    jr6 = js.panel_draw_reveal(actor=w.reviewer1, review=js.panel_draw_prepare(
        actor=w.reviewer1, review=convene()), witnesses=["见证人"])  # fmt: skip
    js.opinion_add(actor=w.users["expert"], review=jr6, topic="energy", material="节能报告",
                   clause="GB 1", severity="suggestion", position="agree", text="同意")  # fmt: skip
    js.opinion_add(actor=w.reviewer1, review=jr6, topic="energy", material="节能报告",
                   clause="GB 1", severity="must_fix", position="modify", text="须修改")  # fmt: skip
    js.opinion_sign(actor=w.users["expert"], review=jr6)
    o["JR6"] = jr6
    # JR7: the expert's opinion signed, nothing contradicts: the letter can go out
    jr7 = js.panel_draw_reveal(actor=w.reviewer1, review=js.panel_draw_prepare(
        actor=w.reviewer1, review=convene()), witnesses=["见证人"])  # fmt: skip
    js.opinion_add(actor=w.users["expert"], review=jr7, topic="environment", material="报告表",
                   clause="HJ 2.1 第5条", severity="must_fix", text="补充预测")  # fmt: skip
    js.opinion_sign(actor=w.users["expert"], review=jr7)
    o["JR7"] = jr7
    o["conflict"] = js.conflicts(jr6)[0]["key"]


def _rows(w, o):
    """(method, url, body, multipart, expected status by role, scoped)."""
    mv = str(w.versions["M1"].public_id)
    A, B, C, D = (str(o[k].public_id) for k in "ABCD")
    st, dr = str(o["standard"].public_id), str(o["draft"].public_id)
    ci = str(o["checklist_item"].public_id)
    later = (MONDAY + timedelta(days=3)).isoformat()
    ends = (MONDAY + timedelta(days=3, hours=1)).isoformat()
    inspectors = [str(w.inspector1.public_id), str(w.inspector1b.public_id)]
    m1, m2 = (str(item_of(o["case"], m).public_id) for m in ("M1", "M2"))
    jr = {k: str(o[k].public_id) for k in ("JR1", "JR2", "JR3", "JR4", "JR5", "JR6", "JR7")}
    keeper = {"catalog_admin": 201}

    def only(allowed: dict, visible=V, default=403):
        """Allowed roles answer their status, the others who see 403, the rest 404."""
        return {r: allowed.get(r, default if r in visible else 404) for r in ROLES}

    return {
        ("GET", P + "standards/"): (P + "standards/", None, False, {r: 200 for r in SIGNED_IN}, False),
        ("POST", P + "standards/"): (P + "standards/", {"matter_version": mv, "title": "新版"}, False,
                                     only(keeper, visible=SIGNED_IN), False),
        ("GET", P + "standards/{public_id}/"): (P + f"standards/{st}/", None, False,
                                                {r: 200 for r in SIGNED_IN}, False),
        ("POST", P + "standards/{public_id}/items/"): (
            P + f"standards/{dr}/items/", {"title": "a", "method": "b", "pass_criteria": "c"}, False,
            only(keeper, visible={"catalog_admin"}), False),
        ("POST", P + "standards/{public_id}/items/{item_id}/samples/"): (
            P + f"standards/{dr}/items/{o['draft_item'].public_id}/samples/", {"caption": "示例"}, True,
            only(keeper, visible={"catalog_admin"}), False),
        ("POST", P + "standards/{public_id}/publish/"): (
            P + f"standards/{dr}/publish/", {}, False, only({"catalog_admin": 200}, visible={"catalog_admin"}), False),
        ("GET", P): (P, None, False, {r: 200 for r in SIGNED_IN}, False),
        ("POST", P): (P, {"item": str(o["free_item"].public_id), "inspectors": inspectors,
                          "slots": [[later, ends]], "reason": "核实", "planned_working_days": 3},
                      False, only({"reviewer1": 201}), True),
        ("GET", P + "{public_id}/"): (P + f"{A}/", None, False, only({r: 200 for r in V}), True),
        ("POST", P + "{public_id}/slot/"): (P + f"{A}/slot/", {"slot": str(o["A"].slots.get().public_id)},
                                            False, only({"applicant": 200}), True),
        ("POST", P + "{public_id}/rehearsal/"): (
            P + f"{A}/rehearsal/", {"camera": True, "microphone": True, "signalling": True, "ice": True},
            False, only({"applicant": 200, "inspector1": 200}), True),
        ("POST", P + "{public_id}/start/"): (P + f"{A}/start/", {}, False, only({"inspector1": 200}), True),
        ("POST", P + "{public_id}/cancel/"): (P + f"{A}/cancel/", {"reason": "改期"}, False,
                                              only({"reviewer1": 200}), True),
        ("POST", P + "{public_id}/snapshots/"): (P + f"{B}/snapshots/", {"checklist_item": ci, "call_offset_ms": 5},
                                                 True, only({"inspector1": 201}), True),
        ("POST", P + "{public_id}/segments/"): (P + f"{B}/segments/", {"sequence": 0, "start_ms": 0, "end_ms": 900},
                                                "webm", only({"inspector1": 201}), True),
        ("POST", P + "{public_id}/locations/"): (P + f"{B}/locations/", {"latitude": 35.55, "longitude": 118.46},
                                                 False, only({"applicant": 201}), True),
        ("PUT", P + "{public_id}/results/{item_id}/"): (P + f"{B}/results/{ci}/", {"result": "pass"}, False,
                                                        only({"inspector1": 200}), True),
        ("GET", P + "{public_id}/record/"): (P + f"{C}/record/", None, False, only({r: 200 for r in V}), True),
        ("POST", P + "{public_id}/record/"): (P + f"{B}/record/", {"conclusion": "pass", "summary": "合格"},
                                              False, only({"inspector1": 201}), True),
        ("POST", P + "{public_id}/record/sign/"): (P + f"{C}/record/sign/", {}, False,
                                                   only({"inspector1": 200, "applicant": 409}), True),
        ("GET", P + "{public_id}/record/pdf/"): (P + f"{D}/record/pdf/", None, False, only({r: 200 for r in V}), True),
        ("GET", P + "{public_id}/record/verify/"): (P + f"{D}/record/verify/", None, False,
                                                    only({r: 200 for r in V}), True),
        ("GET", J + "experts/"): (J + "experts/", None, False,
                                  only({"reviewer1": 200, "supervisor": 200, "catalog_admin": 200},
                                       visible=SIGNED_IN), False),
        ("POST", J + "experts/"): (J + "experts/", {"name": "新专家", "specialties": ["energy"]}, False,
                                   only(keeper, visible=SIGNED_IN), False),
        ("GET", J): (J, None, False, {r: 200 for r in SIGNED_IN}, False),
        ("POST", J): (J, {"case": str(o["case"].public_id), "items": [m1, m2], "title": "联审"}, False,
                      only({"reviewer1": 201}), True),
        ("GET", J + "{public_id}/"): (J + f"{jr['JR1']}/", None, False, only({r: 200 for r in V}), True),
        ("POST", J + "{public_id}/draw/"): (J + f"{jr['JR1']}/draw/", {}, False, only({"reviewer1": 200}), True),
        ("POST", J + "{public_id}/draw/reveal/"): (J + f"{jr['JR2']}/draw/reveal/", {"witnesses": ["见证人"]},
                                                   False, only({"reviewer1": 200}), True),
        ("POST", J + "{public_id}/opinions/"): (
            J + f"{jr['JR3']}/opinions/", {"topic": "energy", "material": "节能报告", "clause": "GB 2",
                                           "severity": "suggestion", "text": "建议"},
            False, only({"expert": 201, "reviewer1": 201}, visible=VP), True),
        ("POST", J + "{public_id}/opinions/sign/"): (J + f"{jr['JR3']}/opinions/sign/", {}, False,
                                                     only({"expert": 200}, visible=VP), True),
        ("POST", J + "{public_id}/conflicts/resolve/"): (
            J + f"{jr['JR6']}/conflicts/resolve/", {"key": o["conflict"], "text": "会议议定"}, False,
            only({"reviewer1": 200}, visible=VP), True),
        ("GET", J + "{public_id}/consolidated/"): (J + f"{jr['JR3']}/consolidated/", None, False,
                                                   only({r: 200 for r in VP}, visible=VP), True),
        ("POST", J + "{public_id}/letter/"): (J + f"{jr['JR7']}/letter/", {}, False,
                                              only({"reviewer1": 200}, visible=VP), True),
        ("GET", J + "{public_id}/letter/pdf/"): (J + f"{jr['JR4']}/letter/pdf/", None, False,
                                                 only({r: 200 for r in VP}, visible=VP), True),
        ("POST", J + "{public_id}/responses/"): (J + f"{jr['JR4']}/responses/", {"responses": {"1": "已核实"}},
                                                 False, only({"applicant": 200}, visible=VP), True),
        ("POST", J + "{public_id}/conclude/"): (J + f"{jr['JR5']}/conclude/", {}, False,
                                                only({"reviewer1": 200}, visible=VP), True),
    }  # fmt: skip


def _pages(w, o):
    A, D = o["A"].public_id, o["D"].public_id
    participants = {"applicant": 200, "inspector1": 200}

    def only(allowed, visible=V, default=403):
        return {r: allowed.get(r, default if r in visible else 404) for r in ROLES}

    anon = {"anonymous": 302}
    return {
        "inspections/": ("/inspections/", {**{r: 200 for r in SIGNED_IN}, **anon}, False),
        "inspections/standards/": ("/inspections/standards/",
                                   {**only({"catalog_admin": 200}, visible=SIGNED_IN), **anon}, False),
        "inspections/standards/<uuid:public_id>/": (f"/inspections/standards/{o['standard'].public_id}/",
                                                    {**{r: 200 for r in SIGNED_IN}, **anon}, False),
        "inspections/samples/<uuid:public_id>/": (f"/inspections/samples/{o['sample'].public_id}/",
                                                  {r: 200 for r in ROLES}, False),
        "inspections/new/<uuid:item_id>/": (f"/inspections/new/{o['free_item'].public_id}/",
                                            {**only({r: 200 for r in V}), **anon}, True),
        "inspections/records/<uuid:public_id>/verify/": (
            f"/inspections/records/{o['record'].public_id}/verify/", {r: 200 for r in ROLES}, False),
        "inspections/<uuid:public_id>/": (f"/inspections/{A}/", {**only({r: 200 for r in V}), **anon}, True),
        "inspections/<uuid:public_id>/call/": (f"/inspections/{A}/call/", {**only(participants), **anon}, True),
        "inspections/<uuid:public_id>/rehearsal/": (f"/inspections/{A}/rehearsal/",
                                                    {**only(participants), **anon}, True),
        "inspections/<uuid:public_id>/snapshots/<uuid:snapshot_id>/": (
            f"/inspections/{D}/snapshots/{o['snapshot'].public_id}/", {**only({r: 200 for r in V}), **anon}, True),
        "inspections/<uuid:public_id>/segments/<int:sequence>/": (
            f"/inspections/{D}/segments/0/", {**only({r: 200 for r in V}), **anon}, True),
        "inspections/<uuid:public_id>/record.pdf": (f"/inspections/{D}/record.pdf",
                                                    {**only({r: 200 for r in V}), **anon}, True),
        "joint-reviews/": ("/joint-reviews/", {**{r: 200 for r in SIGNED_IN}, **anon}, False),
        "joint-reviews/experts/": ("/joint-reviews/experts/",
                                   {**only({"reviewer1": 200, "supervisor": 200, "catalog_admin": 200},
                                           visible=SIGNED_IN), **anon}, False),
        # the form shows to whoever sees the case; convening it is the lead's (API row above)
        "joint-reviews/new/<uuid:case_id>/": (f"/joint-reviews/new/{o['case'].public_id}/",
                                              {**only({r: 200 for r in V}), **anon}, True),
        "joint-reviews/<uuid:public_id>/": (f"/joint-reviews/{o['JR4'].public_id}/",
                                            {**only({r: 200 for r in VP}, visible=VP), **anon}, True),
        "joint-reviews/<uuid:public_id>/letter.pdf": (f"/joint-reviews/{o['JR4'].public_id}/letter.pdf",
                                                      {**only({r: 200 for r in VP}, visible=VP), **anon}, True),
    }  # fmt: skip


def _api(user):
    client = APIClient()
    if user is not None:
        _instance, token = AuthToken.objects.create(user=user)
        client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


def _call(client, method, url, body, multipart):
    with transaction.atomic():
        if method == "GET":
            response = client.get(url)
        elif multipart:
            file = (SimpleUploadedFile("s.webm", b"\x1a\x45\xdf\xa3" + b"0" * 64)
                    if multipart == "webm" else png())  # fmt: skip
            response = getattr(client, method.lower())(
                url, {**body, "file": file}, format="multipart"
            )
        else:
            response = getattr(client, method.lower())(url, body, format="json")
        transaction.set_rollback(True)
    return response.status_code


@pytest.fixture(scope="module")
def matrix(django_db_setup, django_db_blocker, tmp_path_factory):
    keys = tmp_path_factory.mktemp("keys")
    with override_settings(KAIGONG_KEY_DIR=keys), django_db_blocker.unblock(), transaction.atomic():
        with time_machine.travel(MONDAY, tick=False) as traveller:
            w, weifang, o, inspections, first, second = _world()
            traveller.shift(timedelta(days=1))
            _advance(w, o, inspections, first, second)
            yield w, weifang, o, traveller
        transaction.set_rollback(True)


def test_every_operation_answers_each_role_and_outsiders_get_404(matrix):
    w, weifang, o, _traveller = matrix
    rows = _rows(w, o)
    assert set(rows) == set(API_ROWS)
    clients = {r: _api(None if r == "anonymous" else w.users[r]) for r in ROLES}
    outsiders = {r: _api(weifang.users[r]) for r in OUTSIDERS}
    wrong = []
    for key, (url, body, multipart, expected, scoped) in rows.items():
        for role in ROLES:
            status = _call(clients[role], key[0], url, body or {}, multipart)
            want = expected.get(role, 401)
            ok = status in (401, 403) if role == "anonymous" else (
                200 <= status < 300 if want in (200, 201) else status == want)  # fmt: skip
            if not ok:
                wrong.append((key, role, want, status))
        if scoped:
            for role, client in outsiders.items():
                status = _call(client, key[0], url, body or {}, multipart)
                if status != 404:
                    wrong.append((key, f"潍坊 {role}", 404, status))
    assert wrong == []


def test_every_page_answers_each_role_and_outsiders_get_404(matrix):
    w, weifang, o, _traveller = matrix
    pages = _pages(w, o)
    assert set(pages) == PAGE_ROWS
    wrong = []
    for route, (url, expected, scoped) in pages.items():
        for role in ROLES:
            client = Client()
            if role != "anonymous":
                client.force_login(w.users[role])
            status = client.get(url).status_code
            if status != expected[role]:
                wrong.append((route, role, expected[role], status))
        if scoped:
            for role in OUTSIDERS:
                client = Client()
                client.force_login(weifang.users[role])
                for method in ("get", "post"):
                    status = getattr(client, method)(url).status_code
                    if status != 404:
                        wrong.append((route, f"潍坊 {role} {method}", 404, status))
    assert wrong == []


def test_standards_in_draft_are_the_keepers_only(matrix):
    w, _weifang, o, _traveller = matrix
    assert InspectionStandard.objects.filter(pk=o["draft"].pk, status="draft").exists()
    assert PNG  # the sample bytes the uploads above used
