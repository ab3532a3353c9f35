"""
An inbox notice opens the page where the enterprise acts next (issue #9 §4): a correction
notice the upload of the material to correct, a 容缺 acceptance the supplement upload of the
deferred material, a decision the documents of the case page. One case walks all three.
"""

from __future__ import annotations

from datetime import date

import pytest

from kaigong.cases.models import Case
from kaigong.cases.services.acceptance import case_accept_with_deferral
from kaigong.cases.services.intake import case_request_correction, case_resubmit, case_submit
from kaigong.cases.services.materials import case_material_upload
from kaigong.cases.tests.factories import (
    CaseFactory,
    decide_all,
    lifecycle_world,
    pdf_file,
    review_all,
    upload_all,
)
from kaigong.core.models import Notification

from .clients import client_for

pytestmark = pytest.mark.django_db


def _notice(case, kind: str) -> Notification:
    return Notification.objects.filter(enterprise=case.enterprise, kind=kind).latest("id")


def _follow(client, link: str) -> tuple[str, str]:
    """GET the notice's page; its HTML and the fragment the link points at."""
    path, _, fragment = link.partition("#")
    response = client.get(path)
    assert response.status_code == 200, link
    return response.content.decode(), fragment


def _upload_form_at(html: str, anchor: str, case, code: str) -> bool:
    """The element ``anchor`` is on the page and, after it, the upload form of ``code``."""
    start = html.find(f'id="{anchor}"')
    action = f'action="/cases/{case.public_id}/materials/{code}/"'
    return start != -1 and html.find(action, start) != -1 and "data-upload" in html[start:]


def test_each_notice_opens_the_page_where_the_enterprise_acts(
    monday, django_capture_on_commit_callbacks
):
    world = lifecycle_world()
    client = client_for(world.applicant)
    case = CaseFactory(world=world)
    upload_all(case, world.applicant, skip=("m-drawings",))
    case = case_submit(case=Case.objects.get(pk=case.pk), actor=world.applicant)

    # when the clerk sends a correction notice for the application form (and a form field)
    case_request_correction(
        case=case,
        actor=world.clerk,
        items=[
            {"kind": "field", "code": "project_name", "problem": "defective"},
            {"kind": "material", "code": "m-form", "problem": "defective", "note": "缺签章"},
        ],
    )
    # then its notice opens the materials page at the application form's upload
    link = _notice(case, "case_request_correction").link
    assert link == f"/cases/{case.public_id}/materials/#m-m-form"
    html, anchor = _follow(client, link)
    assert _upload_form_at(html, anchor, case, "m-form")

    # given the applicant answers it, and the clerk accepts with the drawings deferred (容缺)
    case_material_upload(case=case, actor=world.applicant, material_code="m-form", file=pdf_file())
    case = case_resubmit(case=Case.objects.get(pk=case.pk), actor=world.applicant)
    case_accept_with_deferral(
        case=Case.objects.get(pk=case.pk),
        actor=world.clerk,
        commitment={
            "text": "承诺补齐",
            "signer_name": "张三",
            "materials": ["m-drawings"],
            "due_on": date(2026, 3, 6),
        },
    )
    # then the acceptance notice opens the supplement upload of the deferred drawings
    link = _notice(case, "case_accept").link
    assert link == f"/cases/{case.public_id}/materials/#m-m-drawings"
    html, anchor = _follow(client, link)
    assert _upload_form_at(html, anchor, case, "m-drawings")

    # when every department decides
    case = Case.objects.get(pk=case.pk)
    review_all(case, world)
    with django_capture_on_commit_callbacks(execute=True):
        decide_all(case, world)
    # then a decision's notice opens the case page at its documents, with the 决定书 there
    decided = Notification.objects.filter(
        enterprise=case.enterprise, kind__startswith="item_approve"
    )
    assert decided.exists()
    for notice in decided:
        assert notice.link == f"/cases/{case.public_id}/#documents"
    html, anchor = _follow(client, decided.first().link)
    start = html.find(f'id="{anchor}"')
    assert start != -1
    assert "准予行政许可决定书" in html[start:]
