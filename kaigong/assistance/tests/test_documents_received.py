"""
Receiving documents under a mandate: an assigned helper downloads a case's documents only
while a mandate in force covers ``receive_documents`` (404 otherwise, on the API and the
page), and the download is audited as done for the enterprise; every document of a case a
helper handed in names the 代办人, not only the acceptance notice.
"""

from __future__ import annotations

import datetime as dt

from django.test import Client

import pytest

from kaigong.assistance.services import mandate_grant, mandate_revoke
from kaigong.cases.constants import OfficialDocumentKind
from kaigong.cases.services.acceptance import case_accept
from kaigong.cases.services.intake import case_refuse, case_submit
from kaigong.cases.tests.api.conftest import client_for
from kaigong.cases.tests.factories import CaseFactory, lifecycle_world, upload_all
from kaigong.core.models import AuditRecord
from kaigong.documents.services import document_issue

pytestmark = pytest.mark.django_db

K = OfficialDocumentKind


def _grant(world, actions):
    return mandate_grant(
        actor=world.applicant,
        enterprise=world.enterprise,
        agent=world.helper,
        projects=[world.project],
        actions=actions,
        valid_until=dt.date(2026, 3, 31),
    )


def _submitted_by_helper(world):
    case = CaseFactory(world=world)
    upload_all(case, world.applicant)
    return case_submit(case=case, actor=world.helper)


def _urls(document):
    case_id, doc_id = document.case.public_id, document.public_id
    return (
        f"/api/v1/cases/{case_id}/documents/{doc_id}/pdf/",
        f"/cases/{case_id}/documents/{doc_id}/pdf/",
    )


def _statuses(user, document):
    api, page = _urls(document)
    web = Client()
    web.force_login(user)
    return client_for(user).get(api).status_code, web.get(page).status_code


def test_a_helper_receives_documents_only_under_a_mandate_covering_it(monday):
    world = lifecycle_world()
    _grant(world, ["submit"])
    case = case_accept(case=_submitted_by_helper(world), actor=world.users["clerk"])
    notice = document_issue(kind=K.ACCEPTANCE_NOTICE, source=case)

    # the helper may read the case, but its mandate does not cover receiving documents
    assert _statuses(world.helper, notice) == (404, 404)
    refused = AuditRecord.objects.filter(action="document_download_refused", actor=world.helper)
    assert refused.count() == 2
    assert not AuditRecord.objects.filter(action="document_download").exists()
    # the enterprise itself downloads, not audited as on anyone's behalf
    assert _statuses(world.applicant, notice) == (200, 200)
    assert not AuditRecord.objects.filter(action="document_download").exists()

    receiving = _grant(world, ["receive_documents"])
    assert _statuses(world.helper, notice) == (200, 200)
    done = AuditRecord.objects.filter(action="document_download", actor=world.helper)
    assert done.count() == 2
    record = done.first()
    assert record.object_id == str(notice.public_id)
    assert record.data["on_behalf"]["number"] == receiving.number
    assert record.data["on_behalf"]["enterprise"] == world.enterprise.name
    assert receiving.number in record.summary and world.enterprise.name in record.summary

    # revoked: 404 again from the next request on
    mandate_revoke(actor=world.applicant, mandate=receiving, reason="更换帮办员")
    assert _statuses(world.helper, notice) == (404, 404)
    # a stranger stays an outsider
    assert _statuses(world.users["stranger"], notice) == (404, 404)


def test_every_document_of_a_case_a_helper_submitted_names_the_helper(monday):
    world = lifecycle_world()
    mandate = _grant(world, ["submit"])
    refused_case = case_refuse(
        case=_submitted_by_helper(world),
        actor=world.users["clerk"],
        reason="不属于本机关职权范围",
        legal_basis="《中华人民共和国行政许可法》第三十二条",
    )
    denial = refused_case.denials.get()
    decision = document_issue(kind=K.REFUSAL_DECISION, source=denial)

    named = [
        p for s in decision.data["sections"] for p in s.get("paragraphs", []) if mandate.number in p
    ]
    assert len(named) == 1
    assert str(world.helper) in named[0] and world.enterprise.name in named[0]

    # a case the enterprise handed in itself names no helper
    own = CaseFactory(world=world)
    upload_all(own, world.applicant)
    own = case_refuse(
        case=case_submit(case=own, actor=world.applicant),
        actor=world.users["clerk"],
        reason="不属于本机关职权范围",
        legal_basis="《中华人民共和国行政许可法》第三十二条",
    )
    plain = document_issue(kind=K.REFUSAL_DECISION, source=own.denials.get())
    text = " ".join(p for s in plain.data["sections"] for p in s.get("paragraphs", []))
    assert str(world.helper) not in text
