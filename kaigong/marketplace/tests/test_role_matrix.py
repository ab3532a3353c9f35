"""
Who may call what in the marketplace (rows for the generated role matrix,
kaigong/cases/tests/api/test_role_matrix.py counts them). One journey through the API: each
step is called by the role allowed (it succeeds), by roles that are not (403, or 404 where
the object is not theirs to see), by an outsider of another jurisdiction (404) and
anonymously (401/403 for a write; 200 for the public reads).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

import pytest
import time_machine

from kaigong.accounts.roles import Role
from kaigong.accounts.services import membership_grant
from kaigong.accounts.tests.factories import EnterpriseFactory, UserFactory, make_uscc
from kaigong.cases.tests.api.conftest import client_for
from kaigong.cases.tests.conftest import MONDAY, SHANGHAI
from kaigong.cases.tests.factories import PDF, CaseFactory, lifecycle_world, upload_all
from kaigong.marketplace.models import Agency
from kaigong.marketplace.services import (
    agency_register,
    agency_review,
    bid_submit,
    qualification_add,
    requests_advance,
)

from .world import QUAL, market_world, open_request

A = "/api/v1/marketplace/"
API_ROWS = {
    ("GET", A + "agencies/"): "public",
    ("POST", A + "agencies/"): "intermediary of the enterprise",
    ("GET", A + "agencies/{public_id}/"): "public",
    ("POST", A + "agencies/{public_id}/review/"): "centre administrator",
    ("POST", A + "agencies/{public_id}/qualifications/"): "intermediary of the agency",
    ("GET", A + "requests/"): "logged in: what each may see",
    ("POST", A + "requests/"): "applicant of the project's enterprise",
    (
        "GET",
        A + "requests/{public_id}/",
    ): "owner, agencies of the province, staff of the region, supervisors",
    ("POST", A + "requests/{public_id}/bids/"): "intermediary of a listed agency",
    ("POST", A + "requests/{public_id}/choose/"): "owner",
    ("POST", A + "requests/{public_id}/contract/"): "owner",
    ("POST", A + "requests/{public_id}/deliverable/"): "intermediary of the winner",
    ("POST", A + "requests/{public_id}/attach/"): "owner",
    ("POST", A + "requests/{public_id}/ratings/"): "owner; centre administrator",
    ("GET", A + "winners/"): "public",
    ("GET", A + "signals/"): "supervisor, centre administrator",
    (
        "GET",
        A + "sanctions/",
    ): "logged in: centre administrators and supervisors all; an agency its own",
    ("POST", A + "sanctions/"): "centre administrator",
    ("GET", A + "sanctions/{public_id}/"): "centre administrator, supervisor, the agency",
    ("POST", A + "sanctions/{public_id}/statement/"): "intermediary of the agency",
    ("POST", A + "sanctions/{public_id}/decide/"): "centre administrator",
    ("POST", A + "sanctions/{public_id}/appeal/"): "intermediary of the agency",
    ("POST", A + "sanctions/{public_id}/appeal-decision/"): "centre administrator",
    ("POST", A + "requests/{public_id}/objections/"): "logged in, but not the winner's people",
    (
        "GET",
        A + "objections/",
    ): "logged in: centre and supervisors all; owner, winner, raiser theirs",
    ("POST", A + "objections/{public_id}/decide/"): "centre administrator",
}
PAGE_ROWS = {
    "marketplace/",
    "marketplace/winners/",
    "marketplace/agencies/<uuid:public_id>/",
    "marketplace/requests/",
    "marketplace/requests/new/",
    "marketplace/requests/<uuid:public_id>/",
    "marketplace/signals/",
    "marketplace/review/",
    "marketplace/sanctions/",
    "marketplace/sanctions/<uuid:public_id>/",
    "marketplace/winners/<uuid:public_id>/objection/",
    "marketplace/objections/",
}
DENIED = {401, 403}


def _at(day: int, hour: int = 10) -> datetime:
    return datetime(2026, 3, day, hour, 0, tzinfo=SHANGHAI)


@pytest.mark.django_db
def test_each_role_and_every_outsider():
    with time_machine.travel(MONDAY, tick=False) as clock:
        market = market_world(n_agencies=3)
        world = market.world
        case = CaseFactory(world=world)
        upload_all(case, world.applicant, skip=("m-drawings",))
        weifang = lifecycle_world(
            prefix="WF",
            centre_name="潍坊市政务服务中心",
            centre_region="370700",
            project_region="370702",
        )
        far = EnterpriseFactory(name="江苏某设计院", uscc=make_uscc(880001, region="320100"))
        far_agent = UserFactory(username="far-agent")
        membership_grant(user=far_agent, role=Role.INTERMEDIARY, enterprise=far)
        far_agency = agency_register(
            actor=far_agent, enterprise=far, service_types=["设计"], contact_phone="1"
        )
        qualification_add(
            actor=far_agent,
            agency=far_agency,
            kind=QUAL,
            level="甲级",
            certificate_no="F",
            valid_to=datetime(2030, 1, 1).date(),
        )
        agency_review(actor=market.centre_admin, agency=far_agency, approve=True)
        supervisor = world.supervisor
        # a centre administrator of 潍坊: an outsider of 沂南's requests (issue #10)
        weifang_admin = UserFactory(username="weifang-centre-admin")
        membership_grant(user=weifang_admin, role=Role.CENTRE_ADMIN, service_center=weifang.centre)
        c = {
            "owner": client_for(world.applicant),
            "agent0": client_for(market.intermediaries[0]),
            "admin": client_for(market.centre_admin),
            "supervisor": client_for(supervisor),
            "reviewer": client_for(world.reviewer1),
            "outsider": client_for(weifang.applicant),
            "outsider_staff": client_for(weifang.reviewer1),
            "outsider_admin": client_for(weifang_admin),
            "far_agent": client_for(far_agent),
            "anonymous": client_for(None),
        }

        def check(method, url, expect: dict[str, int | set], data=None, fmt="json"):
            for role, wanted in expect.items():
                call = getattr(c[role], method.lower())
                response = call(url, data, format=fmt) if method != "GET" else call(url)
                allowed = wanted if isinstance(wanted, set) else {wanted}
                assert response.status_code in allowed, (
                    method,
                    url,
                    role,
                    response.status_code,
                    response.content[:300],
                )
            return response

        # public reads
        check("GET", A + "agencies/", {"anonymous": 200, "owner": 200})
        agency = market.agencies[0]
        check("GET", A + f"agencies/{agency.public_id}/", {"anonymous": 200, "outsider": 200})
        check("GET", A + "agencies/11111111-1111-1111-1111-111111111111/", {"anonymous": 404})
        check("GET", A + "winners/", {"anonymous": 200})
        # an intermediary registers; the centre reviews
        new = EnterpriseFactory(name="新入驻咨询公司")
        newbie = UserFactory(username="newbie")
        membership_grant(user=newbie, role=Role.INTERMEDIARY, enterprise=new)
        c["newbie"] = client_for(newbie)
        body = {"uscc": new.uscc, "service_types": ["环评"], "contact_phone": "13800000009"}
        check("POST", A + "agencies/", {"anonymous": DENIED, "owner": 403, "newbie": 201}, body)
        pending = Agency.objects.get(enterprise=new)
        qual = {
            "kind": "环评资质",
            "level": "乙级",
            "certificate_no": "H1",
            "valid_to": "2030-01-01",
        }
        check(
            "POST",
            A + f"agencies/{pending.public_id}/qualifications/",
            {"anonymous": DENIED, "outsider": 404, "agent0": 404, "newbie": 201},
            qual,
        )
        review = {"approve": True}
        check(
            "POST",
            A + f"agencies/{pending.public_id}/review/",
            {"anonymous": DENIED, "outsider": 404, "newbie": 403, "admin": 200},
            review,
        )
        check(
            "POST",
            A + f"agencies/{agency.public_id}/qualifications/",
            {"agent0": 201, "newbie": 403},
            qual,
        )

        # the owner opens a request from its project's guide
        opened = {
            "project": str(world.project.public_id),
            "case": str(case.public_id),
            "title": "设计图纸编制",
            "service_type": "设计",
            "material_code": "m-drawings",
            "funds_type": "fiscal",
            "method": "random",
            "qualification_kind": QUAL,
            "price_min": "10000",
            "price_max": "50000",
            "registration_closes_at": (MONDAY + timedelta(hours=2)).isoformat(),
            "choice_at": (MONDAY + timedelta(hours=3)).isoformat(),
            "witnesses": ["李四"],
        }
        check(
            "POST",
            A + "requests/",
            {"anonymous": DENIED, "outsider": 404, "agent0": 404, "reviewer": {403, 404}},
            opened,
        )
        response = check("POST", A + "requests/", {"owner": 201}, opened)
        rid = response.json()["id"]
        R = A + f"requests/{rid}/"
        check("GET", A + "requests/", {"anonymous": DENIED, "owner": 200, "outsider": 200})
        assert [r["id"] for r in c["outsider"].get(A + "requests/").json()] == []
        check(
            "GET",
            R,
            {
                "anonymous": DENIED,
                "owner": 200,
                "agent0": 200,
                "reviewer": 200,
                "supervisor": 200,
                "admin": 200,
                "outsider": 404,
                "outsider_staff": 404,
                "outsider_admin": 404,
                "far_agent": 404,
            },
        )
        assert [r["id"] for r in c["outsider_admin"].get(A + "requests/").json()] == []
        for i in range(3):
            c[f"agent{i}"] = client_for(market.intermediaries[i])
        bid = {"price": "20000", "contact_phone": "13900000000"}
        check(
            "POST",
            R + "bids/",
            {"anonymous": DENIED, "owner": 403, "outsider": 404, "far_agent": 404, "agent0": 201},
            bid,
        )
        check("POST", R + "bids/", {"agent1": 201, "agent2": 201}, bid)
        clock.move_to(MONDAY + timedelta(hours=2))
        from kaigong.marketplace.tasks import requests_advance_task

        requests_advance_task()
        clock.move_to(MONDAY + timedelta(hours=3))
        check(
            "POST",
            R + "choose/",
            {"anonymous": DENIED, "outsider": 404, "outsider_admin": 404, "agent0": 403},
            {},
        )
        check("POST", R + "choose/", {"owner": 200}, {})
        winner = c["owner"].get(R).json()["winner"]
        winning_agent = next(
            f"agent{i}" for i, a in enumerate(market.agencies) if a.enterprise.name == winner
        )
        loser = next(f"agent{i}" for i in range(3) if f"agent{i}" != winning_agent)
        clock.move_to(_at(6))
        contract = {"price": "20000", "period_days": 10, "signed_on": "2026-03-06"}
        check(
            "POST",
            R + "contract/",
            {"anonymous": DENIED, "outsider": 404, winning_agent: 403, "owner": 201},
            contract,
        )

        def report():
            return {"file": SimpleUploadedFile("设计图纸.pdf", PDF, content_type="application/pdf")}

        for role, status in (
            ("anonymous", DENIED),
            ("owner", 403),
            (loser, 403),
            (winning_agent, 201),
        ):
            check("POST", R + "deliverable/", {role: status}, report(), fmt="multipart")
        check(
            "POST",
            R + "attach/",
            {"anonymous": DENIED, "outsider": 404, winning_agent: 403, "owner": 200},
            {},
        )
        five = {
            "scores": {"quality": 5, "timeliness": 5, "attitude": 4, "charge": 4, "standards": 5}
        }
        check(
            "POST",
            R + "ratings/",
            {"anonymous": DENIED, "outsider": 404, winning_agent: 403, "owner": 201},
            five,
        )
        check("POST", R + "ratings/", {"admin": 201}, {"score": 85})
        check(
            "GET",
            A + "signals/",
            {"anonymous": DENIED, "owner": 403, "agent0": 403, "supervisor": 200, "admin": 200},
        )
        check("GET", A + "winners/", {"anonymous": 200})
        assert [w["id"] for w in c["anonymous"].get(A + "winners/").json()] == [rid]

        # the pages: public ones for anyone, the request page for who may see the request
        page = Client()
        assert page.get("/marketplace/").status_code == 200
        assert page.get("/marketplace/winners/").status_code == 200
        assert page.get(f"/marketplace/agencies/{agency.public_id}/").status_code == 200
        assert page.get(f"/marketplace/requests/{rid}/").status_code == 302  # to the login
        for user, status in (
            (world.applicant, 200),
            (weifang.applicant, 404),
            (weifang.reviewer1, 404),
            (far_agent, 404),
        ):
            page.force_login(user)
            assert page.get(f"/marketplace/requests/{rid}/").status_code == status, user
            # the owner's choice is refused with its status (already chosen: 409, audited)
            assert page.post(f"/marketplace/requests/{rid}/", {"action": "choose"}).status_code == (
                409 if status == 200 else status
            )
        page.force_login(weifang.applicant)
        assert page.get("/marketplace/requests/").status_code == 200
        assert page.get("/marketplace/signals/").status_code == 404
        page.force_login(supervisor)
        assert page.get("/marketplace/signals/").status_code == 200
        page.force_login(world.applicant)
        assert (
            page.get(f"/marketplace/requests/new/?project={world.project.public_id}").status_code
            == 200
        )
        page.force_login(weifang.applicant)
        assert (
            page.get(f"/marketplace/requests/new/?project={world.project.public_id}").status_code
            == 404
        )


@pytest.mark.django_db
def test_due_process_each_role_and_every_outsider():
    """Sanctions and objections, through the API and the pages, as each role."""
    with time_machine.travel(MONDAY, tick=False) as clock:
        market = market_world(n_agencies=4)
        world = market.world
        weifang = lifecycle_world(
            prefix="WF",
            centre_name="潍坊市政务服务中心",
            centre_region="370700",
            project_region="370702",
        )
        agents = market.intermediaries
        c = {
            "owner": client_for(world.applicant),
            "admin": client_for(market.centre_admin),
            "supervisor": client_for(world.supervisor),
            "outsider": client_for(weifang.applicant),
            "anonymous": client_for(None),
            **{f"agent{i}": client_for(a) for i, a in enumerate(agents)},
        }

        def check(method, url, expect: dict, data=None):
            response = None
            for role, wanted in expect.items():
                call = getattr(c[role], method.lower())
                response = call(url, data, format="json") if method != "GET" else call(url)
                allowed = wanted if isinstance(wanted, set) else {wanted}
                assert response.status_code in allowed, (method, url, role, response.content[:300])
            return response

        agency = market.agencies[3]
        opened = {"agency": str(agency.public_id), "kind": "suspend", "grounds": "报告弄虚作假"}
        check(
            "POST",
            A + "sanctions/",
            {"anonymous": DENIED, "owner": 403, "agent3": 403, "supervisor": 403},
            opened,
        )
        sid = check("POST", A + "sanctions/", {"admin": 201}, opened).json()["id"]
        S = A + f"sanctions/{sid}/"
        check(
            "GET",
            S,
            {
                "anonymous": DENIED,
                "admin": 200,
                "supervisor": 200,
                "agent3": 200,
                "agent1": 404,
                "owner": 404,
                "outsider": 404,
            },
        )
        assert [r["id"] for r in c["agent1"].get(A + "sanctions/").json()] == []
        assert [r["id"] for r in c["agent3"].get(A + "sanctions/").json()] == [sid]
        check(
            "POST",
            S + "decide/",
            {"admin": 409},  # not before the agency is heard
            {"uphold": True, "decision": "暂停"},
        )
        statement = {"statement": "已整改"}
        check(
            "POST",
            S + "statement/",
            {"anonymous": DENIED, "agent1": 404, "admin": 403, "agent3": 200},
            statement,
        )
        decide = {"uphold": True, "decision": "暂停三个月", "months": 3}
        check("POST", S + "decide/", {"agent3": 403, "owner": 404, "admin": 200}, decide)
        check("POST", S + "decide/", {"admin": 409}, decide)
        appeal = {"appeal": "申请复核"}
        check("POST", S + "appeal/", {"admin": 403, "agent1": 404, "agent3": 200}, appeal)
        overturn = {"overturn": False, "decision": "维持"}
        check(
            "POST",
            S + "appeal-decision/",
            {"agent3": 403, "supervisor": 403, "admin": 200},
            overturn,
        )
        body = c["admin"].get(S).json()
        assert body["status"] == "decided" and body["credit_record"]
        check("GET", A + "sanctions/", {"anonymous": DENIED, "owner": 200})

        # objections: a selection among the three agencies not sanctioned
        request = open_request(market)
        for i in (1, 2, 0):
            bid_submit(
                actor=agents[i],
                request=request,
                agency=market.agencies[i],
                price=Decimal(20000 + i),
                contact_phone=f"1390000000{i}",
            )
        clock.move_to(MONDAY + timedelta(hours=3))
        requests_advance()
        request.refresh_from_db()
        assert request.winner is not None
        winner_role = f"agent{market.agencies.index(request.winner.agency)}"
        other = next(f"agent{i}" for i in range(3) if f"agent{i}" != winner_role)
        OBJ = A + f"requests/{request.public_id}/objections/"
        grounds = {"grounds": "中标人资质存疑", "contact": "13800000000"}
        check("POST", OBJ, {"anonymous": DENIED, winner_role: 403, "outsider": 201}, grounds)
        check(
            "POST",
            A + "requests/11111111-1111-1111-1111-111111111111/objections/",
            {"outsider": 404},
            grounds,
        )
        oid = check("POST", OBJ, {other: 201}, grounds).json()["id"]
        check("GET", A + "objections/", {"anonymous": DENIED, "owner": 200, "admin": 200})
        assert len(c["owner"].get(A + "objections/").json()) == 2
        assert len(c[other].get(A + "objections/").json()) == 1
        D = A + f"objections/{oid}/decide/"
        dismiss = {"uphold": False, "decision": "不成立"}
        check(
            "POST",
            D,
            {"anonymous": DENIED, "owner": 403, other: 403, "supervisor": 403, "admin": 200},
            dismiss,
        )
        check("POST", D, {"admin": 409}, dismiss)
        check(
            "POST",
            A + "objections/11111111-1111-1111-1111-111111111111/decide/",
            {"admin": 404},
            dismiss,
        )

        # the pages
        page = Client()
        assert page.get("/marketplace/objections/").status_code == 302  # to the login
        for user, url, status in (
            (market.centre_admin, "/marketplace/review/", 200),
            (world.applicant, "/marketplace/review/", 404),
            (market.centre_admin, "/marketplace/sanctions/", 200),
            (agents[3], "/marketplace/sanctions/", 200),
            (market.centre_admin, f"/marketplace/sanctions/{sid}/", 200),
            (agents[3], f"/marketplace/sanctions/{sid}/", 200),
            (agents[1], f"/marketplace/sanctions/{sid}/", 404),
            (weifang.applicant, f"/marketplace/sanctions/{sid}/", 404),
            (weifang.applicant, f"/marketplace/winners/{request.public_id}/objection/", 200),
            (weifang.applicant, "/marketplace/objections/", 200),
            (market.centre_admin, "/marketplace/objections/", 200),
        ):
            page.force_login(user)
            assert page.get(url).status_code == status, (user, url)
        page.force_login(agents[1])
        assert page.post(f"/marketplace/sanctions/{sid}/", {"action": "appeal"}).status_code == 404
        page.force_login(agents[3])  # the agency, with no grounds: refused with the reason
        assert page.post(f"/marketplace/sanctions/{sid}/", {"action": "appeal"}).status_code == 409
        assert page.post(f"/marketplace/sanctions/{sid}/", {"action": "?"}).status_code == 404
        page.force_login(world.applicant)
        assert page.post("/marketplace/review/", {"agency": "x"}).status_code == 404
        assert page.post("/marketplace/sanctions/", {"agency": "nope"}).status_code == 404
        assert page.post("/marketplace/objections/", {"objection": "nope"}).status_code == 404
        page.force_login(agency_person := agents[market.agencies.index(request.winner.agency)])
        assert agency_person
        response = page.post(
            f"/marketplace/winners/{request.public_id}/objection/", {"grounds": "自己"}
        )
        assert response.status_code == 403
