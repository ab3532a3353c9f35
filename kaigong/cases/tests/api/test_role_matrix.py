"""
The role × endpoint matrix, generated from what the router serves (issue #10, part 3).

* ``test_every_api_operation_has_a_row``: the operations come from drf-spectacular's
  generator (the same schema ``/api/v1/schema/`` serves); every one needs a row in
  ``MATRIX`` and every row an operation, so a new endpoint without a row fails.
* ``test_every_page_has_a_row``: the same for the page URLs (kaigong/web/urls.py and its
  includes), walked through Django's URL resolver.
* ``test_each_role_and_every_outsider``: two jurisdictions (factories.two_jurisdictions:
  沂南 371321 and 潍坊 370700). Every operation is called by every role of 沂南 on 沂南's
  objects and must answer the row's status (200 stands for any 2xx); then every role of
  潍坊 calls every operation that names a 沂南 object (``scoped``), read or write, and
  must get 404 (not visible is not found) — and nothing of 沂南 has changed. The pages
  that name an object are tried the same way by the outsiders, with GET and POST.

One world, built once, in one test: the loop is the test.
"""

from __future__ import annotations

import importlib
import importlib.util
import io
import itertools
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from django.apps import apps as django_apps
from django.core.management import call_command
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

import pytest
from drf_spectacular.generators import SchemaGenerator

from kaigong.accounts.models import Membership
from kaigong.accounts.services import membership_grant
from kaigong.accounts.tests.factories import make_uscc
from kaigong.cases.constants import CaseStatus
from kaigong.cases.models import Case, CaseEvent, CaseItem, SubmittedMaterial
from kaigong.cases.services.clock import item_extension_request, item_pause
from kaigong.cases.tests.factories import CaseFactory, World, two_jurisdictions, upload_all
from kaigong.catalog.models import JointIssuanceRule
from kaigong.certificates.models import Certificate
from kaigong.certificates.tests.factories import issue, issuing_catalogue
from kaigong.core.services import notification_send
from kaigong.projects.models import Project, ServiceCode
from kaigong.projects.services import service_code_ensure

from .conftest import client_for, pdf_upload

OK = 200  # any 2xx

ROLES = (
    "applicant",
    "helper",
    "clerk",
    "reviewer",
    "approver",
    "inspector",
    "supervisor",
    "catalog_admin",
    "anonymous",
)
WORLD_USER = {
    "applicant": "applicant",
    "helper": "helper",
    "clerk": "clerk",
    "reviewer": "reviewer1",
    "approver": "approver1",
    "inspector": "inspector1",
    "supervisor": "supervisor",
    "catalog_admin": "catalog_admin",
}
# the roles held in a jurisdiction (supervisors and catalogue keepers are platform-wide)
OUTSIDER_ROLES = ("applicant", "helper", "clerk", "reviewer", "approver", "inspector")


@dataclass
class Target:
    """The objects of one world an operation is called on."""

    world: World
    case: Case | None = None
    item: CaseItem | None = None
    extension: Any = None
    certificate: Certificate | None = None
    notification: Any = None
    code: ServiceCode | None = None
    catalogue: Any = None

    @property
    def case_url(self) -> str:
        return f"/api/v1/cases/{self.case.public_id}/"

    @property
    def item_url(self) -> str:
        return f"/api/v1/items/{self.item.public_id}/"

    @property
    def project(self) -> Project:
        return self.world.project

    @property
    def project_url(self) -> str:
        return f"/api/v1/projects/{self.project.public_id}/"

    @property
    def enterprise_url(self) -> str:
        return f"/api/v1/enterprises/{self.world.enterprise.public_id}/"


Call = Callable[[Any, Target], Any]


@dataclass(frozen=True)
class Row:
    """
    One operation: the state of the target it needs, the call, the status per role of
    ``ROLES`` on the world's own objects, whether it names an object of a jurisdiction
    (outsiders then get 404), and whether a success changes the target (the next role
    then gets a fresh one).
    """

    state: str
    call: Call
    expect: tuple[int, ...]
    scoped: bool = True
    writes: bool = False
    why: str = ""


_seq = itertools.count(1)


def _json(method: str, url: str, body: Callable[[Target], Any] | dict | None = None) -> Call:
    def call(client, t: Target):
        data = body(t) if callable(body) else (body if body is not None else {})
        return getattr(client, method)(url.format(t=t), data, format="json")

    return call


def _get(url: str) -> Call:
    return lambda client, t: client.get(url.format(t=t))


def _project_body(t: Target) -> dict:
    return {
        "enterprise": str(t.world.enterprise.public_id),
        "name": f"矩阵项目{next(_seq)}",
        "region_code": t.project.region_code,
    }


def _enterprise_body(t: Target) -> dict:
    n = next(_seq)
    return {
        "uscc": make_uscc(700000 + n),
        "name": f"矩阵建设有限公司{n}",
        "legal_representative": "李四",
        "username": f"matrix{n}",
        "password": "Kaigong-matrix-2026!",
    }


def _materials(client, t: Target):
    return client.post(t.case_url + "materials/", {"material": "m-form", "file": pdf_upload()})


def _joint(t: Target) -> dict:
    return {
        "bundle": t.catalogue.bundle.code,
        "rule": "land-right",
        "project": str(t.project.public_id),
        "evidence": "不动产权证书",
    }


# fmt: off
#   roles:                      app  help clrk rev  apr  insp sup  cat  anon
MATRIX: dict[tuple[str, str], Row] = {
    # -- cases
    ("GET", "/api/v1/cases/"): Row(
        "accepted", _get("/api/v1/cases/"), (OK, OK, OK, OK, OK, OK, OK, OK, 401), scoped=False,
        why="a list: outsiders see it without the other jurisdiction's cases (checked below)"),
    ("POST", "/api/v1/cases/"): Row(
        "project", _json("post", "/api/v1/cases/", lambda t: {
            "project": str(t.project.public_id), "bundle": t.world.bundle.code, "matters": []}),
        (201, 403, 403, 404, 404, 404, 403, 404, 401),
        why="the helper has no mandate here: it writes only under one (issue #12; "
            "kaigong/assistance/tests/test_mandates.py)"),
    ("GET", "/api/v1/cases/queue/"): Row(
        "submitted", _get("/api/v1/cases/queue/"), (OK, OK, OK, OK, OK, OK, OK, OK, 401),
        scoped=False, why="a list"),
    ("GET", "/api/v1/cases/{public_id}/"): Row(
        "accepted", _get("{t.case_url}"), (OK, OK, OK, OK, OK, OK, OK, 404, 401)),
    ("GET", "/api/v1/cases/{public_id}/events/"): Row(
        "accepted", _get("{t.case_url}events/"), (OK, OK, OK, OK, OK, OK, OK, 404, 401)),
    ("GET", "/api/v1/cases/{public_id}/form/"): Row(
        "draft", _get("{t.case_url}form/"), (OK, OK, 404, 404, 404, 404, 404, 404, 401)),
    ("PUT", "/api/v1/cases/{public_id}/form-data/"): Row(
        "draft", _json("put", "{t.case_url}form-data/", lambda t: {"data": {
            "project_name": "开工测试项目", "floor_area": 1200.5, "contact_phone": "13800138000"}}),
        (OK, 403, 404, 404, 404, 404, 404, 404, 401), writes=True, why="no mandate: as above"),
    ("POST", "/api/v1/cases/{public_id}/materials/"): Row(
        "draft", _materials, (201, 403, 404, 404, 404, 404, 404, 404, 401), writes=True,
        why="no mandate: as above"),
    ("POST", "/api/v1/cases/{public_id}/submit/"): Row(
        "ready", _json("post", "{t.case_url}submit/"),
        (OK, 403, 404, 404, 404, 404, 404, 404, 401), writes=True, why="no mandate: as above"),
    ("POST", "/api/v1/cases/{public_id}/accept/"): Row(
        "submitted", _json("post", "{t.case_url}accept/"),
        (403, 403, OK, 404, 404, 404, 403, 404, 401), writes=True),
    ("POST", "/api/v1/cases/{public_id}/refuse/"): Row(
        "submitted", _json("post", "{t.case_url}refuse/", {
            "reason": "不属于本中心受理范围", "legal_basis": "《行政许可法》第三十二条"}),
        (403, 403, OK, 404, 404, 404, 403, 404, 401), writes=True),
    ("POST", "/api/v1/cases/{public_id}/request-correction/"): Row(
        "submitted", _json("post", "{t.case_url}request-correction/", {
            "items": [{"kind": "material", "code": "m-drawings", "problem": "defective"}]}),
        (403, 403, OK, 404, 404, 404, 403, 404, 401), writes=True),
    ("POST", "/api/v1/cases/{public_id}/resubmit/"): Row(
        "correction_requested", _json("post", "{t.case_url}resubmit/"),
        (OK, 403, 403, 404, 404, 404, 403, 404, 401), writes=True, why="no mandate: as above"),
    ("POST", "/api/v1/cases/{public_id}/withdraw/"): Row(
        "submitted", _json("post", "{t.case_url}withdraw/"),
        (OK, 403, 403, 404, 404, 404, 403, 404, 401), writes=True,
        why="withdrawal is the enterprise's own: no mandate covers it"),
    ("GET", "/api/v1/cases/{public_id}/materials/"): Row(
        "accepted", _get("{t.case_url}materials/"), (OK, OK, OK, OK, OK, OK, OK, 404, 401)),
    ("GET", "/api/v1/cases/{public_id}/materials/{material_id}/file/"): Row(
        "accepted", lambda client, t: client.get(f"{t.case_url}materials/{_material(t).public_id}/file/"),
        (OK, OK, OK, OK, OK, OK, OK, 404, 401)),
    ("GET", "/api/v1/cases/{case_id}/documents/"): Row(
        "accepted", _get("{t.case_url}documents/"), (OK, OK, OK, OK, OK, OK, OK, 404, 401)),
    ("GET", "/api/v1/cases/{case_id}/documents/{doc_id}/pdf/"): Row(
        "accepted", lambda client, t: client.get(f"{t.case_url}documents/{uuid.uuid4()}/pdf/"),
        (404, 404, 404, 404, 404, 404, 404, 404, 401), scoped=False,
        why="documents are issued on commit, which these rolled-back tests never reach: an "
            "unknown one is 404 to all; who may read a real one: documents/tests"),
    # -- items
    ("GET", "/api/v1/items/"): Row(
        "accepted", _get("/api/v1/items/"), (OK, OK, OK, OK, OK, OK, OK, OK, 401),
        scoped=False, why="a list"),
    ("GET", "/api/v1/items/{public_id}/"): Row(
        "accepted", _get("{t.item_url}"), (OK, OK, OK, OK, OK, OK, OK, 404, 401)),
    ("GET", "/api/v1/items/{public_id}/clock/"): Row(
        "accepted", _get("{t.item_url}clock/"), (OK, OK, OK, OK, OK, OK, OK, 404, 401)),
    ("POST", "/api/v1/items/{public_id}/opinions/"): Row(
        "accepted", _json("post", "{t.item_url}opinions/", {
            "text": "符合要求", "recommendation": "approve"}),
        (403, 403, 403, 201, 403, 403, 403, 404, 401), writes=True),
    ("POST", "/api/v1/items/{public_id}/pause/"): Row(
        "accepted", _json("post", "{t.item_url}pause/", {
            "kind": "special_procedure", "reason": "专家评审", "evidence": "评审通知",
            "planned_working_days": 5}),
        (403, 403, 403, OK, 403, 403, 403, 404, 401), writes=True),
    ("POST", "/api/v1/items/{public_id}/resume/"): Row(
        "paused", _json("post", "{t.item_url}resume/"),
        (403, 403, 403, OK, 403, 403, 403, 404, 401), writes=True),
    ("POST", "/api/v1/items/{public_id}/extend/"): Row(
        "accepted", _json("post", "{t.item_url}extend/", {"working_days": 10, "reason": "情况复杂"}),
        (403, 403, 403, 201, 403, 403, 403, 404, 401), writes=True),
    ("POST", "/api/v1/items/{public_id}/extend/approve/"): Row(
        "extension", _json("post", "{t.item_url}extend/approve/", lambda t: {
            "extension": str(t.extension.public_id)}),
        (403, 403, 403, 403, OK, 403, 403, 404, 401), writes=True),
    ("POST", "/api/v1/items/{public_id}/decide/"): Row(
        "proposed", _json("post", "{t.item_url}decide/", {"decision": "approve"}),
        (403, 403, 403, 403, OK, 403, 403, 404, 401), writes=True),
    ("POST", "/api/v1/items/{public_id}/pre-approve/"): Row(
        "accepted", _json("post", "{t.item_url}pre-approve/", {"conditions": "按规划条件"}),
        (403, 403, 403, 403, OK, 403, 403, 404, 401), writes=True),
    ("GET", "/api/v1/items/{public_id}/extensions/"): Row(
        "extension", _get("{t.item_url}extensions/"), (OK, OK, OK, OK, OK, OK, OK, 404, 401)),
    ("POST", "/api/v1/items/{public_id}/extensions/{extension_id}/approve/"): Row(
        "extension", _json("post", "{t.item_url}extensions/{t.extension.public_id}/approve/", {
            "reason": "情况属实"}),
        (403, 403, 403, 403, OK, 403, 403, 404, 401), writes=True),
    ("POST", "/api/v1/items/{public_id}/extensions/{extension_id}/reject/"): Row(
        "extension", _json("post", "{t.item_url}extensions/{t.extension.public_id}/reject/", {
            "reason": "理由不充分"}),
        (403, 403, 403, 403, OK, 403, 403, 404, 401), writes=True),
    ("POST", "/api/v1/items/{public_id}/consent-letter/"): Row(
        "accepted", _json("post", "{t.item_url}consent-letter/", {"conditions": "按规划条件"}),
        # the world's matter gives no consent letter: past the role check the approver gets 409
        (403, 403, 403, 403, 409, 403, 403, 404, 401)),
    # -- projects
    ("GET", "/api/v1/projects/"): Row(
        "project", _get("/api/v1/projects/"), (OK, OK, OK, OK, OK, OK, OK, OK, 401),
        scoped=False, why="a list: outsiders see it without the other jurisdiction's projects"),
    ("POST", "/api/v1/projects/"): Row(
        "project", _json("post", "/api/v1/projects/", _project_body),
        (201, 201, 201, 404, 404, 404, 403, 404, 401), scoped=False,
        why="names an enterprise, which staff registering on its behalf see platform-wide; "
            "an outside centre's staff get 403 for a project in another jurisdiction "
            "(test_jurisdiction.py), an outside applicant 404"),
    ("GET", "/api/v1/projects/{public_id}/"): Row(
        "project", _get("{t.project_url}"), (OK, OK, OK, 404, 404, 404, OK, 404, 401)),
    ("POST", "/api/v1/projects/{public_id}/answers/"): Row(
        "project", _json("post", "{t.project_url}answers/", {"answers": {"q-green": True}}),
        (OK, OK, OK, 404, 404, 404, 403, 404, 401)),
    ("PUT", "/api/v1/projects/{public_id}/site/"): Row(
        "project", _json("put", "{t.project_url}site/",
                         {"latitude": "35.550000", "longitude": "118.460000", "radius_m": 200}),
        (403, 403, OK, 404, 404, 404, 403, 404, 401),
        why="the fence the site inspections check the enterprise against: staff set it, a "
            "window clerk of the jurisdiction here (reviewers do not see projects; they set "
            "it with the inspection request)"),
    ("GET", "/api/v1/projects/{public_id}/guide/"): Row(
        "project", _get("{t.project_url}guide/"), (OK, OK, OK, 404, 404, 404, OK, 404, 401)),
    ("GET", "/api/v1/projects/{public_id}/guide/pdf/"): Row(
        "project", _get("{t.project_url}guide/pdf/"), (OK, OK, OK, 404, 404, 404, OK, 404, 401)),
    ("GET", "/api/v1/projects/{public_id}/timeline/"): Row(
        "project", _get("{t.project_url}timeline/"), (OK, OK, OK, 404, 404, 404, OK, 404, 401)),
    ("GET", "/api/v1/projects/{public_id}/service-code/"): Row(
        "project", _get("{t.project_url}service-code/"),
        (OK, 403, 403, 404, 404, 404, 403, 404, 401)),
    ("GET", "/api/v1/projects/{public_id}/service-code/qr.png"): Row(
        "project", _get("{t.project_url}service-code/qr.png"),
        (OK, 403, 403, 404, 404, 404, 403, 404, 401)),
    ("POST", "/api/v1/projects/{public_id}/service-code/rotate/"): Row(
        "project", _json("post", "{t.project_url}service-code/rotate/"),
        (OK, 403, 403, 404, 404, 404, 403, 404, 401)),
    # -- enterprises: the register is platform-wide for staff who register on behalf
    ("POST", "/api/v1/enterprises/"): Row(
        "project", _json("post", "/api/v1/enterprises/", _enterprise_body),
        (403, 201, 201, 403, 403, 403, 403, 403, 201), scoped=False,
        why="registers a new enterprise: no object of a jurisdiction"),
    ("GET", "/api/v1/enterprises/{public_id}/service-code/"): Row(
        "project", _get("{t.enterprise_url}service-code/"),
        # only the enterprise's own people know its code exists (the world's applicant is
        # no enterprise administrator: 403); staff who see every enterprise get 404 too
        (403, 404, 404, 404, 404, 404, 404, 404, 401)),
    ("GET", "/api/v1/enterprises/{public_id}/service-code/qr.png"): Row(
        "project", _get("{t.enterprise_url}service-code/qr.png"),
        (403, 404, 404, 404, 404, 404, 404, 404, 401)),
    ("POST", "/api/v1/enterprises/{public_id}/service-code/rotate/"): Row(
        "project", _json("post", "{t.enterprise_url}service-code/rotate/"),
        (403, 404, 404, 404, 404, 404, 404, 404, 401)),
    # -- certificates (issued by the world's issuing department, held by its enterprise)
    ("GET", "/api/v1/certificates/"): Row(
        "certificate", _get("/api/v1/certificates/"), (OK, OK, OK, OK, OK, OK, OK, OK, 401),
        scoped=False, why="a list"),
    ("GET", "/api/v1/certificates/{public_id}/"): Row(
        "certificate", _get("/api/v1/certificates/{t.certificate.public_id}/"),
        (OK, 404, 404, OK, OK, OK, OK, 404, 401)),
    ("GET", "/api/v1/certificates/{public_id}/pdf/"): Row(
        "certificate", _get("/api/v1/certificates/{t.certificate.public_id}/pdf/"),
        (OK, 404, 404, OK, OK, OK, OK, 404, 401)),
    ("POST", "/api/v1/certificates/{public_id}/revoke/"): Row(
        "certificate", _json("post", "/api/v1/certificates/{t.certificate.public_id}/revoke/", {
            "reason": "以欺骗手段取得"}),
        (403, 404, 404, 403, OK, 403, 403, 404, 401), writes=True),
    ("POST", "/api/v1/certificates/joint-conditions/"): Row(
        "certificate", _json("post", "/api/v1/certificates/joint-conditions/", _joint),
        # the bundle's lead department records it (once: the approver comes second); who
        # sees the project but may not record gets 403, whoever does not see it 404
        (403, 403, 403, 201, 409, 404, 403, 404, 401)),
    ("POST", "/api/v1/certificates/verify/"): Row(
        "certificate", _json("post", "/api/v1/certificates/verify/", lambda t: {
            "identifier": t.certificate.identifier}),
        (OK, OK, OK, OK, OK, OK, OK, OK, OK), scoped=False,
        why="public verification by identifier (the certificate's own number)"),
    # -- archives: as the project and its cases
    ("GET", "/api/v1/archives/projects/{public_id}/"): Row(
        "archive", _get("/api/v1/archives/projects/{t.project.public_id}/"),
        (OK, OK, OK, OK, OK, OK, OK, 404, 401)),
    ("GET", "/api/v1/archives/projects/{public_id}/package/"): Row(
        "archive", _get("/api/v1/archives/projects/{t.project.public_id}/package/"),
        (OK, OK, OK, OK, OK, OK, OK, 404, 401)),
    # -- inbox (a message to the world's enterprise)
    ("GET", "/api/v1/inbox/"): Row(
        "notification", _get("/api/v1/inbox/"), (OK, OK, OK, OK, OK, OK, OK, OK, 401),
        scoped=False, why="one's own inbox"),
    ("POST", "/api/v1/inbox/read-all/"): Row(
        "notification", _json("post", "/api/v1/inbox/read-all/"),
        (OK, OK, OK, OK, OK, OK, OK, OK, 401), scoped=False, why="one's own inbox"),
    ("POST", "/api/v1/inbox/{public_id}/read/"): Row(
        "notification", _json("post", "/api/v1/inbox/{t.notification.public_id}/read/"),
        (OK, 404, 404, 404, 404, 404, 404, 404, 401)),
    # -- public and platform-wide
    ("GET", "/api/v1/track/{token}/"): Row(
        "code", _get("/api/v1/track/{t.code.token}/"), (OK, OK, OK, OK, OK, OK, OK, OK, OK),
        scoped=False, why="the service code is a bearer token the enterprise hands out"),
    ("POST", "/api/v1/auth/token/"): Row(
        "project", _json("post", "/api/v1/auth/token/", lambda t: {
            "username": f"nobody{next(_seq)}", "password": "x"}),
        (400, 400, 400, 400, 400, 400, 400, 400, 400), scoped=False, why="login"),
    ("GET", "/api/v1/auth/tokens/"): Row(
        "project", _get("/api/v1/auth/tokens/"), (OK, OK, OK, OK, OK, OK, OK, OK, 401),
        scoped=False, why="one's own tokens"),
    ("DELETE", "/api/v1/auth/tokens/{token_id}/"): Row(
        "project", lambda client, t: client.delete(f"/api/v1/auth/tokens/{uuid.uuid4().hex[:8]}/"),
        (404, 404, 404, 404, 404, 404, 404, 404, 401), scoped=False,
        why="one's own tokens only: another's or an unknown one is 404 (test_auth_token.py "
            "revokes one's own)"),
    ("POST", "/api/v1/auth/logout/"): Row(
        "project", _json("post", "/api/v1/auth/logout/"), (OK, OK, OK, OK, OK, OK, OK, OK, 401),
        scoped=False, why="ends one's own session token"),
    ("GET", "/api/v1/calendar/due-date"): Row(
        "project", _get("/api/v1/calendar/due-date?start=2026-03-02&days=5"),
        (OK, OK, OK, OK, OK, OK, OK, OK, OK), scoped=False, why="public calendar"),
    ("GET", "/api/v1/catalog/bundles/"): Row(
        "project", _get("/api/v1/catalog/bundles/"), (OK, OK, OK, OK, OK, OK, OK, OK, OK),
        scoped=False, why="the public catalogue (办事指南)"),
    ("GET", "/api/v1/catalog/bundles/{code}/"): Row(
        "project", _get("/api/v1/catalog/bundles/{t.world.bundle.code}/"),
        (OK, OK, OK, OK, OK, OK, OK, OK, OK), scoped=False, why="the public catalogue"),
    ("GET", "/api/v1/catalog/matters/"): Row(
        "project", _get("/api/v1/catalog/matters/"), (OK, OK, OK, OK, OK, OK, OK, OK, OK),
        scoped=False, why="the public catalogue"),
    ("GET", "/api/v1/catalog/export/"): Row(
        "project", _get("/api/v1/catalog/export/"), (403, 403, 403, 403, 403, 403, 403, OK, 401),
        scoped=False, why="platform-wide: the catalogue keeper"),
    ("POST", "/api/v1/catalog/import/"): Row(
        "project", _json("post", "/api/v1/catalog/import/", {"format": "json", "content": "{}"}),
        (403, 403, 403, 403, 403, 403, 403, 409, 401), scoped=False,
        why="platform-wide: the catalogue keeper (an empty file is refused)"),
}
# fmt: on

# pages (kaigong/web/urls.py and its includes): route → URL on a target, and whether it
# names an object of a jurisdiction (then an outsider gets 404, for GET and POST alike)
PAGES: dict[str, tuple[str, Callable[[Target], str] | None]] = {
    "": ("project", None),
    "accounts/login/": ("project", None),
    "accounts/logout/": ("project", None),
    "enterprises/register/": ("project", None),
    "enterprises/<uuid:public_id>/service-code/": (
        "project",
        lambda t: f"/enterprises/{t.world.enterprise.public_id}/service-code/",
    ),
    "enterprises/<uuid:public_id>/service-code/qr.png": (
        "project",
        lambda t: f"/enterprises/{t.world.enterprise.public_id}/service-code/qr.png",
    ),
    "projects/": ("project", None),
    "projects/new/": ("project", None),
    "projects/<uuid:public_id>/": ("project", lambda t: f"/projects/{t.project.public_id}/"),
    "projects/<uuid:public_id>/answers/": (
        "project",
        lambda t: f"/projects/{t.project.public_id}/answers/",
    ),
    "projects/<uuid:public_id>/guide.pdf": (
        "project",
        lambda t: f"/projects/{t.project.public_id}/guide.pdf",
    ),
    "projects/<uuid:public_id>/timeline/": (
        "project",
        lambda t: f"/projects/{t.project.public_id}/timeline/",
    ),
    "projects/<uuid:public_id>/service-code/": (
        "project",
        lambda t: f"/projects/{t.project.public_id}/service-code/",
    ),
    "projects/<uuid:public_id>/service-code/qr.png": (
        "project",
        lambda t: f"/projects/{t.project.public_id}/service-code/qr.png",
    ),
    "accounts/otp/setup/": ("project", None),
    "accounts/otp/verify/": ("project", None),
    "cases/<uuid:public_id>/materials/<uuid:material_id>/file/": (
        "accepted",
        lambda t: f"/cases/{t.case.public_id}/materials/{_material(t).public_id}/file/",
    ),
    "cases/<uuid:case_id>/documents/<uuid:public_id>/pdf/": ("project", None),
    "documents/verify/<uuid:public_id>/": ("project", None),
    "guide/": ("project", None),
    "guide/bundles/<slug:code>/": ("project", None),
    "guide/matters/<str:code>/": ("project", None),
    "guide/matters/<str:code>/v<int:number>/": ("project", None),
    "guide/materials/<slug:code>/<slug:kind>/": ("project", None),
    "regions/options/": ("project", None),
    "staff-admin/": ("project", None),
    "staff-admin/<uuid:public_id>/": ("project", None),
    "staff-admin/<uuid:public_id>/roles/<uuid:membership_id>/revoke/": ("project", None),
    "staff-admin/<uuid:public_id>/users/<uuid:user_id>/deactivate/": ("project", None),
    "staff-admin/<uuid:public_id>/users/<uuid:user_id>/grant/": ("project", None),
    "inbox/": ("project", None),
    "inbox/read-all/": ("project", None),
    "inbox/<uuid:public_id>/read/": (
        "notification",
        lambda t: f"/inbox/{t.notification.public_id}/read/",
    ),
    "track/<str:token>/": ("project", None),
    "cases/": ("project", None),
    "cases/new/": ("project", None),
    "cases/<uuid:public_id>/": ("accepted", lambda t: f"/cases/{t.case.public_id}/"),
    "cases/<uuid:public_id>/form/": ("draft", lambda t: f"/cases/{t.case.public_id}/form/"),
    "cases/<uuid:public_id>/materials/": (
        "draft",
        lambda t: f"/cases/{t.case.public_id}/materials/",
    ),
    "cases/<uuid:public_id>/submit/": ("ready", lambda t: f"/cases/{t.case.public_id}/submit/"),
    "cases/<uuid:public_id>/check/": ("ready", lambda t: f"/cases/{t.case.public_id}/check/"),
    "cases/<uuid:public_id>/submitted/": (
        "submitted",
        lambda t: f"/cases/{t.case.public_id}/submitted/",
    ),
    "cases/<uuid:public_id>/materials/<slug:code>/": (
        "draft",
        lambda t: f"/cases/{t.case.public_id}/materials/m-form/",
    ),
    "cases/<uuid:public_id>/materials/<slug:code>/reuse/": (
        "draft",
        lambda t: f"/cases/{t.case.public_id}/materials/m-form/reuse/",
    ),
    "cases/<uuid:public_id>/resubmit/": (
        "correction_requested",
        lambda t: f"/cases/{t.case.public_id}/resubmit/",
    ),
    "cases/<uuid:public_id>/withdraw/": (
        "submitted",
        lambda t: f"/cases/{t.case.public_id}/withdraw/",
    ),
    "cases/<uuid:public_id>/joint-conditions/<uuid:rule_id>/": (
        "accepted",
        lambda t: f"/cases/{t.case.public_id}/joint-conditions/{_rule(t).public_id}/",
    ),
    "window/": ("project", None),
    "window/<uuid:public_id>/": ("submitted", lambda t: f"/window/{t.case.public_id}/"),
    "workbench/": ("project", None),
    "workbench/items/<uuid:public_id>/": (
        "accepted",
        lambda t: f"/workbench/items/{t.item.public_id}/",
    ),
    "archives/": ("project", None),
    "archives/projects/<uuid:public_id>/": (
        "archive",
        lambda t: f"/archives/projects/{t.project.public_id}/",
    ),
    "archives/projects/<uuid:public_id>/package/": (
        "archive",
        lambda t: f"/archives/projects/{t.project.public_id}/package/",
    ),
    "certificates/": ("project", None),
    "certificates/verify/": ("project", None),
    "certificates/<uuid:public_id>/": (
        "certificate",
        lambda t: f"/certificates/{t.certificate.public_id}/",
    ),
    "certificates/<uuid:public_id>/pdf/": (
        "certificate",
        lambda t: f"/certificates/{t.certificate.public_id}/pdf/",
    ),
    "certificates/<uuid:public_id>/revoke/": (
        "certificate",
        lambda t: f"/certificates/{t.certificate.public_id}/revoke/",
    ),
}
# pages that name an object but are not tried by the outsiders above, and why
PAGES_UNSCOPED = {
    "guide/bundles/<slug:code>/": "the public guide (办事指南): the catalogue is public",
    "guide/matters/<str:code>/": "the public guide",
    "guide/matters/<str:code>/v<int:number>/": "the public guide",
    "guide/materials/<slug:code>/<slug:kind>/": (
        "a material's sample or blank form, public like the guide "
        "(web/cases/tests/test_material_files.py)"
    ),
    "staff-admin/<uuid:public_id>/": (
        "a service centre's staff: anyone but its administrator gets 404 "
        "(web/tests/test_public_and_roles.py)"
    ),
    "staff-admin/<uuid:public_id>/roles/<uuid:membership_id>/revoke/": "as above",
    "staff-admin/<uuid:public_id>/users/<uuid:user_id>/deactivate/": "as above",
    "staff-admin/<uuid:public_id>/users/<uuid:user_id>/grant/": "as above",
    "cases/<uuid:case_id>/documents/<uuid:public_id>/pdf/": (
        "documents are issued on commit; who may read one: documents/tests"
    ),
    "documents/verify/<uuid:public_id>/": "public verification of a document by its id",
    "track/<str:token>/": "the service code is a bearer token",
}

HTTP_METHODS = ("get", "post", "put", "patch", "delete")


def _material(t: Target) -> SubmittedMaterial:
    return SubmittedMaterial.objects.filter(case=t.case).order_by("pk").first()


def _rule(t: Target) -> JointIssuanceRule:
    return JointIssuanceRule.objects.filter(bundle=t.catalogue.bundle).get()


def _schema_operations() -> set[tuple[str, str]]:
    schema = SchemaGenerator().get_schema(request=None, public=True)
    return {
        (method.upper(), path)
        for path, item in schema["paths"].items()
        for method in item
        if method in HTTP_METHODS
    }


def _routes(resolver: URLResolver, prefix: str = "") -> set[str]:
    found: set[str] = set()
    for entry in resolver.url_patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            found |= _routes(entry, route)
        elif isinstance(entry, URLPattern):
            found.add(route)
    return found


def _page_routes() -> set[str]:
    """Every page route of the site, without the API, the admin and the static files."""
    top = next(
        e
        for e in get_resolver().url_patterns
        if isinstance(e, URLResolver) and getattr(e, "app_name", "") == "web"
    )
    return _routes(top, str(top.pattern))


def _app_matrices() -> list[Any]:
    """
    The apps above the spine (DESIGN.md §10) prove their own roles: each has
    ``kaigong/<app>/tests/test_role_matrix.py`` with ``API_ROWS`` (keyed like ``MATRIX``)
    and ``PAGE_ROWS`` (keyed like ``PAGES``), and tests there that call every row as every
    role and as the outsiders. Here they only count towards "every operation has a row".
    """
    found = []
    for config in django_apps.get_app_configs():
        if not config.name.startswith("kaigong.") or config.name == "kaigong.cases":
            continue
        name = f"{config.name}.tests.test_role_matrix"
        try:
            spec = importlib.util.find_spec(name)
        except ModuleNotFoundError:  # the app has no tests package
            spec = None
        if spec is not None:
            found.append(importlib.import_module(name))
    return found


def _all_api_rows() -> set[tuple[str, str]]:
    rows = set(MATRIX)
    for module in _app_matrices():
        overlap = rows & set(module.API_ROWS)
        assert not overlap, f"{module.__name__} repeats rows of another matrix: {overlap}"
        rows |= set(module.API_ROWS)
    return rows


def _all_page_rows() -> set[str]:
    rows = set(PAGES)
    for module in _app_matrices():
        rows |= set(getattr(module, "PAGE_ROWS", ()))
    return rows


def test_every_api_operation_has_a_row():
    # given the operations the router serves, as the schema generator sees them
    operations = _schema_operations()
    rows = _all_api_rows()

    # then each has a row of a matrix, each row an operation, each row a status per role
    assert sorted(operations - rows) == [], "operations without a row"
    assert sorted(rows - operations) == [], "rows without an operation"
    assert all(len(row.expect) == len(ROLES) for row in MATRIX.values())
    assert all(row.scoped or row.why for row in MATRIX.values())


def test_every_page_has_a_row():
    # given the page routes of the site
    routes = _page_routes()

    rows = _all_page_rows()

    # then each has a row, and each page that names an object is tried or says why not
    assert sorted(routes - rows) == [], "pages without a row"
    assert sorted(rows - routes) == [], "rows without a page"
    for route, (_state, url) in PAGES.items():
        if re.search(r"<[^>]+>", route) and url is None:
            assert route in PAGES_UNSCOPED, route


# -- the world ------------------------------------------------------------------------


def _archive_sweep() -> None:
    """File every project's documents (the command: cases sit below archives, DESIGN.md §2)."""
    call_command("archive_sweep", stdout=io.StringIO())


class Targets:
    """Targets of one world by state, built through the services on first use."""

    def __init__(self, world: World) -> None:
        self.world = world
        self.shared: dict[str, Target] = {}
        self.catalogue = issuing_catalogue(joint_rule_types=["permit"])
        department = self.catalogue.department
        for name in ("reviewer1", "approver1", "inspector1"):
            role = Membership.objects.get(user=world.users[name], department__isnull=False).role
            membership_grant(user=world.users[name], role=role, department=department)
        self.certificates = [
            c for c in issue(self.catalogue, project=world.project) if c.released_at is not None
        ]
        # the certificates' factory leaves its case a bare draft; a decided case was handed in
        case_id = self.certificates[0].case_item.case_id
        Case.objects.filter(pk=case_id).update(
            status=CaseStatus.SUBMITTED, number=f"KG-M-{case_id}"
        )

    def get(self, state: str) -> Target:
        if state not in self.shared:
            self.shared[state] = self.fresh(state)
        return self.shared[state]

    def fresh(self, state: str) -> Target:
        world = self.world
        base = Target(world, catalogue=self.catalogue)
        if state == "project":
            return base
        if state == "certificate":
            return replace(base, certificate=self.certificates.pop())
        if state == "notification":
            message = notification_send(
                kind="matrix", title="矩阵消息", enterprise=world.enterprise
            )
            return replace(base, notification=message)
        if state == "code":
            code = service_code_ensure(
                enterprise=world.enterprise, project=world.project, actor=world.applicant
            )
            return replace(base, code=code)
        if state == "archive":
            target = self.get("accepted")
            _archive_sweep()
            return target
        if state in ("draft", "ready"):
            case = CaseFactory(world=world)
            if state == "ready":
                upload_all(case, world.applicant)
            return replace(base, case=Case.objects.get(pk=case.pk))
        trait = {"paused": "accepted", "extension": "accepted"}.get(state, state)
        case = CaseFactory(world=world, **{trait: True})
        if not case.items.exists():
            return replace(base, case=case)
        item = _m1(case)
        extension = None
        if state == "paused":
            item_pause(
                item=item,
                actor=world.reviewer1,
                kind="special_procedure",
                reason="检测",
                evidence="委托单",
                planned_working_days=5,
            )
        if state == "extension":
            extension = item_extension_request(
                item=item, actor=world.reviewer1, working_days=5, reason="需要补充论证"
            )
        return replace(base, case=case, item=_m1(case), extension=extension)


def _m1(case: Case) -> CaseItem:
    return case.items.select_related("case", "matter_version").get(
        matter_version__matter__code__endswith="M1"
    )


def _fingerprint() -> dict[str, Any]:
    """What a refused write must leave as it was (of every world)."""
    return {
        "cases": sorted(Case.objects.values_list("pk", "status", "version")),
        "items": sorted(CaseItem.objects.values_list("pk", "status", "version")),
        "events": CaseEvent.objects.count(),
        "materials": SubmittedMaterial.objects.count(),
        "projects": sorted((p.pk, repr(p.answers)) for p in Project.objects.all()),
        "certificates": sorted(Certificate.objects.values_list("pk", "status")),
        "codes": sorted(ServiceCode.objects.values_list("pk", "token", "is_active")),
    }


_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def _unknown_answers(client, method: str, url: str) -> int:
    """The status of the same request for an object that does not exist."""
    return getattr(client, method)(_UUID.sub(str(uuid.uuid4()), url)).status_code


def _client(user):
    return client_for(user)


@dataclass
class Findings:
    wrong: list[str] = field(default_factory=list)

    def check(self, what: str, got: int, want: int) -> None:
        if (OK if 200 <= got < 300 else got) != (OK if 200 <= want < 300 else want):
            self.wrong.append(f"{what}: {got} (want {want})")


@pytest.mark.django_db
def test_each_role_and_every_outsider(monday):
    # given two jurisdictions, each with its objects in every state the operations need
    yinan, weifang = two_jurisdictions()
    home = Targets(yinan)
    findings = Findings()

    # when every role of 沂南 calls every operation on 沂南's objects (a refusal changes
    # nothing; an operation that writes gets a fresh target for each role it lets through)
    for (method, path), row in MATRIX.items():
        expected = dict(zip(ROLES, row.expect, strict=True))
        for role in ROLES:
            succeeds = expected[role] in (OK, 201)
            target = home.fresh(row.state) if row.writes and succeeds else home.get(row.state)
            user = None if role == "anonymous" else yinan.users[WORLD_USER[role]]
            response = row.call(_client(user), target)
            findings.check(f"{method} {path} as {role}", response.status_code, expected[role])

    # and when every role of 潍坊 calls every operation naming a 沂南 object
    before = _fingerprint()
    for (method, path), row in MATRIX.items():
        target = home.get(row.state)
        for role in OUTSIDER_ROLES:
            client = _client(weifang.users[WORLD_USER[role]])
            if row.scoped:
                response = row.call(client, target)
                findings.check(f"outsider {role}: {method} {path}", response.status_code, 404)
            elif method == "GET" and row.expect[0] == OK and "{" not in path:
                # a list: never an object of 沂南
                body = row.call(client, target).content.decode()
                for obj in (target.case, target.item, target.certificate):
                    if obj is not None and str(obj.public_id) in body:
                        findings.wrong.append(f"outsider {role}: {path} lists {obj}")
                if str(yinan.project.public_id) in body:
                    findings.wrong.append(f"outsider {role}: {path} lists the project")

    # and on every page naming a 沂南 object, read and write
    for route, (state, url) in PAGES.items():
        if url is None:
            continue
        target = home.get(state)
        for role in OUTSIDER_ROLES:
            client = Client()
            client.force_login(weifang.users[WORLD_USER[role]])
            for method in ("get", "post"):
                response = getattr(client, method)(url(target))
                status = response.status_code
                if status == 405:
                    # a POST-only page refuses a GET before looking anything up: the same
                    # answer as for an object that does not exist
                    status = 404 if _unknown_answers(client, method, url(target)) == 405 else 405
                findings.check(f"outsider {role}: {method} /{route}", status, 404)

    # then each role of 沂南 got what its row says, every outsider was not found, and
    # nothing of 沂南 changed
    assert findings.wrong == [], "\n".join(findings.wrong)
    assert _fingerprint() == before
