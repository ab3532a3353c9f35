"""
A joint review run through its pages alone: the lead convenes it and draws the panel, the
experts and a member department give opinions, the page shows the contradiction to the lead,
who records the meeting's resolution; the experts sign (the quorum), the letter goes out, the
applicant answers, the reopened items are reviewed again, a second letter closes it, and the
lead concludes. Every round stays on the page.
"""

from __future__ import annotations

import re

from django.test import Client, override_settings

import pytest
import time_machine

from kaigong.cases.tests.conftest import MONDAY
from kaigong.cases.tests.factories import CaseFactory, item_of, lifecycle_world
from kaigong.inspections.constants import ReviewStatus
from kaigong.inspections.models import JointReview

from .factories import expert_pool

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _post(client, url, **data):
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    return response


def _opinion(
    client, url, *, clause, severity="must_fix", position="modify", expert="", text="意见"
):
    return client.post(url, {
        "action": "opinion", "opinion-expert": expert, "opinion-topic": "energy",
        "opinion-material": "节能报告", "opinion-clause": clause, "opinion-severity": severity,
        "opinion-position": position, "opinion-text": text,
    })  # fmt: skip


def test_a_lead_runs_a_joint_review_to_its_conclusion_through_the_pages(tmp_path):
    with override_settings(KAIGONG_KEY_DIR=tmp_path), time_machine.travel(MONDAY, tick=False):
        world = lifecycle_world()
        expert_pool(world)
        case = CaseFactory(world=world, accepted=True)
        m1, m2 = item_of(case, "M1"), item_of(case, "M2")
        lead = _client(world.reviewer1)
        response = lead.post(f"/joint-reviews/new/{case.public_id}/", {
            "items": [str(m1.public_id), str(m2.public_id)], "title": "多评合一", "panel_size": 3,
            "quorum": 2, "specialties": ["energy", "environment"],
        })  # fmt: skip
        assert response.status_code == 302
        review = JointReview.objects.get(case=case)
        url = f"/joint-reviews/{review.public_id}/"
        _post(lead, url, action="draw")
        _post(lead, url, **{"action": "reveal", "reveal-witnesses": "纪检监察员 刘某"})
        a, b, _c = review.panel.order_by("name")
        first, second = _client(a.user), _client(b.user)
        assert (
            _opinion(first, url, clause="GB 1", severity="suggestion", position="agree").status_code
            == 302
        )
        assert _opinion(second, url, clause="GB 2").status_code == 302
        # D2's own opinion contradicts the first expert's 同意 on GB 1
        member = _client(world.reviewer2)
        assert _opinion(member, url, clause="GB 1", text="须补充计算过程").status_code == 302
        page = lead.get(url).content.decode()
        assert "意见冲突" in page and 'name="resolve-key"' in page
        # the letter waits for the signatures and for the meeting's resolution
        refused = lead.post(url, {"action": "letter"}, follow=True).content.decode()
        assert "法定人数需 2 份" in refused
        assert "签署我本轮的意见" in first.get(url).content.decode()
        _post(first, url, action="sign")
        _post(second, url, action="sign")
        refused = lead.post(url, {"action": "letter"}, follow=True).content.decode()
        assert "请先在会上议定" in refused
        (key,) = re.findall(r'name="resolve-key" value="([^"]+)"', lead.get(url).content.decode())
        _post(
            lead, url, **{"action": "resolve", "resolve-key": key, "resolve-text": "会议议定：补充"}
        )
        _post(lead, url, action="letter")
        review.refresh_from_db()
        assert review.status == ReviewStatus.CORRECTION_REQUESTED
        applicant = _client(world.applicant)
        assert 'name="response-1"' in applicant.get(url).content.decode()
        _post(
            applicant, url, **{"action": "respond", "response-1": "已补充", "response-2": "已补充"}
        )
        review.refresh_from_db()
        assert review.round == 2 and review.status == ReviewStatus.RESUBMITTED
        # round 2: a new element is refused, the reopened ones are agreed, signed, letter 2
        page = _opinion(first, url, clause="GB 9", severity="suggestion").content.decode()
        assert "复审只针对上一轮意见书要求整改的事项" in page
        for client in (first, second):
            for clause in ("GB 1", "GB 2"):
                assert _opinion(client, url, clause=clause, severity="suggestion",
                                position="agree", text="同意").status_code == 302  # fmt: skip
            _post(client, url, action="sign")
        _post(lead, url, action="letter")
        _post(lead, url, action="conclude")
        review.refresh_from_db()
        assert review.status == ReviewStatus.CONCLUDED
        page = applicant.get(url).content.decode()
        assert 'id="letter-1"' in page and 'id="letter-2"' in page
        assert "会议议定：补充" in page and "已补充" in page
        pdf = applicant.get(f"/joint-reviews/{review.public_id}/letter.pdf?round=1")
        assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
        assert (
            applicant.get(f"/joint-reviews/{review.public_id}/letter.pdf?round=9").status_code
            == 404
        )
