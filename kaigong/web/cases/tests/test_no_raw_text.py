"""
Nothing raw reaches a user (issue #9): every page of the journey, rendered for the person who
uses it, shows no internal status code, no form field key, no material code and no English
UI sentence in its visible text (text nodes and the title, aria-label, placeholder and alt
attributes a screen reader or a tooltip shows).
"""

from __future__ import annotations

import re
from datetime import date
from html.parser import HTMLParser

import pytest

from kaigong.cases.constants import CaseStatus, EventKind, ItemStatus
from kaigong.cases.models import Case
from kaigong.cases.services.acceptance import case_accept_with_deferral
from kaigong.cases.services.intake import case_request_correction, case_submit
from kaigong.cases.tests.factories import (
    CaseFactory,
    item_of,
    lifecycle_world,
    review_all,
    upload_all,
)

from .clients import client_for

pytestmark = pytest.mark.django_db

FIELD_KEYS = {"project_name", "floor_area", "contact_phone", "builder_uscc"}
MATERIAL_CODES = {"m-form", "m-licence", "m-drawings", "m-contract", "m-green"}
# status and event values a page could print instead of their labels
RAW_CODES = (
    {s.value for s in CaseStatus}
    | {s.value for s in ItemStatus}
    | {k.value for k in EventKind}
    | {"missing", "defective", "deferral", "undertaking", "approve", "deny"}
) - {"draft"}  # "draft" is also a plain English word, checked as English below
# a run of three or more English words is an untranslated UI sentence
ENGLISH = re.compile(r"\b[A-Za-z]{2,}(?:[ ,'’-]+[A-Za-z]{2,}){2,}\b")
ALLOWED_ENGLISH = ("Kaigong", "SM3", "PDF", "GB/T", "USCC")


class _Visible(HTMLParser):
    """The text a person sees or hears: text nodes outside script/style, and the
    attributes shown as tooltips or read out."""

    SHOWN = ("title", "aria-label", "placeholder", "alt")

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "code"):
            self._hidden += 1
        for name, value in attrs:
            if name in self.SHOWN and value:
                self.parts.append(value)
        if tag == "input":
            kind = dict(attrs).get("type", "")
            value = dict(attrs).get("value")
            if kind in ("submit", "button") and value:
                self.parts.append(value)

    def handle_endtag(self, tag):
        if tag in ("script", "style", "code") and self._hidden:
            self._hidden -= 1

    def handle_data(self, data):
        if not self._hidden and data.strip():
            self.parts.append(data.strip())


def visible_text(html: str) -> str:
    parser = _Visible()
    parser.feed(html)
    return "\n".join(parser.parts)


def raw_findings(text: str) -> list[str]:
    words = set(re.findall(r"[A-Za-z_][A-Za-z0-9_-]*", text))
    found = sorted(words & (RAW_CODES | FIELD_KEYS | MATERIAL_CODES))
    for match in ENGLISH.finditer(text):
        phrase = match.group(0)
        if not any(allowed in phrase for allowed in ALLOWED_ENGLISH):
            found.append(phrase)
    return found


def _journey():
    """One world, with a case at each step a person meets."""
    world = lifecycle_world()
    draft = CaseFactory(world=world)
    corrected = CaseFactory(world=world, submitted=True)
    case_request_correction(
        case=corrected,
        actor=world.clerk,
        items=[{"kind": "material", "code": "m-form", "problem": "defective", "note": "缺章"}],
    )
    deferred = CaseFactory(world=world)
    upload_all(deferred, world.applicant, skip=("m-drawings",))
    deferred = case_submit(case=Case.objects.get(pk=deferred.pk), actor=world.applicant)
    deferred = case_accept_with_deferral(
        case=deferred,
        actor=world.clerk,
        commitment={
            "text": "承诺补齐",
            "signer_name": "张三",
            "materials": ["m-drawings"],
            "due_on": date(2026, 3, 6),
        },
    )
    review_all(deferred, world)
    submitted = CaseFactory(world=world, submitted=True)
    return world, {
        "draft": draft,
        "corrected": corrected,
        "deferred": Case.objects.get(pk=deferred.pk),
        "submitted": submitted,
    }


def _pages(world, cases) -> list[tuple[object, str]]:
    d, c, a, s = (cases[k] for k in ("draft", "corrected", "deferred", "submitted"))
    m1 = item_of(a, "M1")
    applicant = [
        "/cases/",
        "/cases/new/",
        "/inbox/",
        "/certificates/",
        "/projects/",
        f"/cases/{d.public_id}/",
        f"/cases/{d.public_id}/form/",
        f"/cases/{d.public_id}/materials/",
        f"/cases/{d.public_id}/check/",
        f"/cases/{c.public_id}/",
        f"/cases/{c.public_id}/materials/",
        f"/cases/{s.public_id}/submitted/",
        f"/cases/{a.public_id}/",
        f"/cases/{a.public_id}/materials/",
    ]
    clerk = ["/window/", f"/window/{s.public_id}/", f"/cases/{a.public_id}/"]
    reviewer = ["/workbench/", f"/workbench/items/{m1.public_id}/"]
    supervisor = [
        "/window/",
        f"/window/{s.public_id}/",
        "/workbench/",
        f"/workbench/items/{m1.public_id}/",
        f"/cases/{a.public_id}/",
    ]
    users = world.users
    return (
        [(world.applicant, p) for p in applicant]
        + [(world.clerk, p) for p in clerk]
        + [(users["reviewer1"], p) for p in reviewer]
        + [(users["approver1"], p) for p in reviewer]
        + [(users["supervisor"], p) for p in supervisor]
    )


def test_no_page_of_the_journey_shows_a_raw_code_a_field_key_or_english(monday):
    world, cases = _journey()
    problems = {}
    clients = {}
    for user, path in _pages(world, cases):
        client = clients.setdefault(user.pk, client_for(user))
        response = client.get(path, follow=True)
        assert response.status_code == 200, (user.username, path)
        found = raw_findings(visible_text(response.content.decode()))
        if found:
            problems[f"{user.username} {path}"] = found
    assert problems == {}


def test_the_scan_finds_what_it_looks_for():
    html = (
        '<p>状态：in_review</p><p title="floor_area">面积</p><p>Check and submit</p>'
        "<script>var x = 'submitted and more words';</script><code>m-form</code>"
        "<p>SM3 哈希 PDF 文件</p>"
    )

    assert raw_findings(visible_text(html)) == ["floor_area", "in_review", "Check and submit"]
