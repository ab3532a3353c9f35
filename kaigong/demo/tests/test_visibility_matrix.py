"""
The visibility matrix across every app (issue #10, "Done when"): every object of the demo ×
every role held in a jurisdiction, from a jurisdiction of its own → 404, read and write.

It lives beside the demo it loads (only ``kaigong.demo`` may import the loader: the layers
of pyproject.toml). The demo (loaded once for this module, rolled back at the end) has objects of the spine and
of every app above it in 沂南, 潍坊, 滨州 and 高明. A fifth jurisdiction, 济南市历下区
(370102), gets its own service centre, department, enterprise and agency, and one user of
each role that is held in a jurisdiction: applicant, helper, window clerk, reviewer,
approver, inspector, centre administrator, department head, expert, callback agent and
intermediary. None of them has anything to do with any object of the demo.

The operations come from the schema the router serves (drf-spectacular's generator): each
operation whose path names one object (``{public_id}``) and is not public is called by
every one of them on real objects of the demo, with its own method (a write with an empty
JSON body). The answer must be the answer for an object that does not exist — and a read
must be 404: what one may not see, one is told is not there. A role refused before any
lookup (403 for a reviewer's action asked by an applicant) answers the same for every id,
which tells nothing; a 2xx, or a 403 that an unknown id does not get, is a leak. Objects
public by design (a published inspection standard, a listed agency, a published random
inspection task) may be read by anyone; of them only "no write goes through" is asked.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.apps import apps
from django.db import transaction

import pytest
from drf_spectacular.generators import SchemaGenerator

from kaigong.accounts.roles import Role
from kaigong.accounts.services import membership_grant
from kaigong.accounts.tests.factories import (
    DepartmentFactory,
    EnterpriseFactory,
    ServiceCenterFactory,
    UserFactory,
    make_uscc,
)
from kaigong.cases.tests.api.conftest import client_for
from kaigong.demo.loader import demo_load

pytestmark = pytest.mark.django_db

# the part of a path before its ``{public_id}`` → the model of the object it names (an
# evaluation invitation is reached by its token, a capability sent to the applicant:
# kaigong/feedback/tests/test_role_matrix.py tries it)
PREFIX_MODELS = {
    "archives/projects/": "projects.Project",
    "assistance/assignments/": "assistance.HelperAssignment",
    "assistance/mandates/": "assistance.Mandate",
    "assistance/policies/": "assistance.Policy",
    "assistance/pre-reviews/": "assistance.PreReview",
    "assistance/questions/": "assistance.Question",
    "assistance/signups/": "assistance.SessionSignup",
    "assistance/suggestions/": "assistance.Suggestion",
    "cases/": "cases.Case",
    "certificates/": "certificates.Certificate",
    "complaints/": "feedback.Complaint",
    "credit/records/": "credit.CreditRecord",
    "credit/repairs/": "credit.CreditRepair",
    "enterprises/": "accounts.Enterprise",
    "feedback/appeals/": "feedback.Appeal",
    "feedback/callbacks/": "feedback.CallbackTask",
    "feedback/evaluations/": "feedback.Evaluation",
    "feedback/tickets/": "feedback.Ticket",
    "inbox/": "core.Notification",
    "inspections/": "inspections.Inspection",
    "inspections/standards/": "inspections.InspectionStandard",
    "items/": "cases.CaseItem",
    "joint-reviews/": "inspections.JointReview",
    "marketplace/agencies/": "marketplace.Agency",
    "marketplace/objections/": "marketplace.Objection",
    "marketplace/requests/": "marketplace.ServiceRequest",
    "marketplace/sanctions/": "marketplace.Sanction",
    "post-approval/check-items/": "postapproval.CheckItem",
    "post-approval/commitment-checks/": "postapproval.CommitmentCheck",
    "post-approval/plans/": "postapproval.Plan",
    "post-approval/findings/": "postapproval.Finding",
    "post-approval/targets/": "postapproval.Target",
    "post-approval/tasks/": "postapproval.Task",
    "projects/": "projects.Project",
    "supervision/items/": "cases.CaseItem",
    "supervision/orders/": "supervision.SupervisionOrder",
    "supervision/registers/": "supervision.AuditBatch",
    "webhooks/subscriptions/": "integrations.WebhookSubscription",
}
# objects that are public by design: what anyone may read is no secret to an outsider, so
# for them only "no write goes through" is asked (and writes answer in whatever order the
# app checks them: a role refused, an input invalid)
PUBLIC_MODELS = {
    # a published standard is shown on its matter's page (勘前准备, docs/inspections.md)
    "inspections.InspectionStandard",
    # the listed agencies (GET marketplace/agencies/{public_id}/ needs no sign-in)
    "marketplace.Agency",
    # a published random-inspection task (双随机、一公开: GET post-approval/tasks/{id}/ is public)
    "postapproval.Task",
}
# operations open by design to anyone signed in, on an object that is published: only "no
# write goes through" is asked of them (an object not published is still 404)
PUBLIC_OPERATIONS = {
    # 公示期异议: anyone signed in may object to a published selection (docs/marketplace.md);
    # a request with no published winner is 404 (``winner_get_public``)
    ("post", "/api/v1/marketplace/requests/{public_id}/objections/"),
}
# objects of each model tried (the first and the last made: different jurisdictions)
PER_MODEL = 2
METHODS = ("get", "post", "put", "patch", "delete")
JURISDICTION_ROLES = (
    Role.APPLICANT,
    Role.HELPER,
    Role.WINDOW_CLERK,
    Role.REVIEWER,
    Role.APPROVER,
    Role.INSPECTOR,
    Role.CENTRE_ADMIN,
    Role.DEPARTMENT_HEAD,
    Role.EXPERT,
    Role.CALLBACK_AGENT,
    Role.INTERMEDIARY,
)


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker, tmp_path_factory):
    from django.test import override_settings

    with django_db_blocker.unblock(), transaction.atomic():
        with override_settings(KAIGONG_KEY_DIR=tmp_path_factory.mktemp("keys")):
            demo_load()
            yield _outsiders()
        transaction.set_rollback(True)


def _outsiders() -> dict[str, Any]:
    """One user of each jurisdiction role, all in 济南市历下区, which the demo never uses."""
    centre: Any = ServiceCenterFactory(name="历下区政务服务中心", region_code="370102")
    department: Any = DepartmentFactory(name="历下区行政审批服务局", region_code="370102")
    centre.departments.add(department)
    enterprise = EnterpriseFactory(
        name="历下开工建设有限公司", uscc=make_uscc(990001, region="370102")
    )
    agency = EnterpriseFactory(name="历下工程咨询有限公司", uscc=make_uscc(990002, region="370102"))
    scope: dict[str, dict[str, Any]] = {
        Role.APPLICANT: {"enterprise": enterprise},
        Role.INTERMEDIARY: {"enterprise": agency},
        Role.HELPER: {"service_center": centre},
        Role.WINDOW_CLERK: {"service_center": centre},
        Role.CENTRE_ADMIN: {"service_center": centre},
        Role.CALLBACK_AGENT: {"service_center": centre},
    }
    users = {}
    for role in JURISDICTION_ROLES:
        user: Any = UserFactory(username=f"lixia_{role}")
        membership_grant(user=user, role=role, **scope.get(role, {"department": department}))
        users[str(role)] = user
    return users


def _operations() -> list[tuple[str, str, str]]:
    """(method, path, model) of every non-public operation naming one object."""
    schema = SchemaGenerator().get_schema(request=None, public=True)
    found = []
    for path, item in schema["paths"].items():
        head, _, rest = path.removeprefix("/api/v1/").partition("{public_id}")
        if not rest and not path.endswith("{public_id}"):
            continue
        if "{" in rest or "{" in head:
            continue  # a second parameter: the app's own role matrix tries it
        prefixes = [p for p in PREFIX_MODELS if head.startswith(p)]
        for method, operation in item.items():
            if method not in METHODS:
                continue
            if {} in (operation.get("security") or [{}]):
                continue  # public by design (a published draw, a listed agency, …)
            assert prefixes, f"no model known for {path}: add it to PREFIX_MODELS"
            found.append((method, path, PREFIX_MODELS[max(prefixes, key=len)]))
    return found


def _objects(label: str) -> list[str]:
    model = apps.get_model(label)
    ids = list(model.objects.order_by("pk").values_list("public_id", flat=True))
    return [str(i) for i in {*ids[:1], *ids[-1:]}][:PER_MODEL]


def _call(client, method: str, url: str):
    if method == "get":
        return client.get(url)
    return getattr(client, method)(url, {}, format="json")


def test_every_object_of_every_app_is_not_found_by_every_outsider_role(demo):
    # given every operation naming one object, and objects of the demo it names
    operations = _operations()
    assert len(operations) > 100  # the spine's and every app's
    tried = set()
    wrong = []

    # when each outsider role calls each of them on real objects, and on an unknown id
    for role, user in demo.items():
        client = client_for(user)
        for method, path, label in operations:
            unknown = None
            for public_id in _objects(label):
                tried.add(label)
                got = _call(client, method, path.replace("{public_id}", public_id)).status_code
                public = label in PUBLIC_MODELS or (method, path) in PUBLIC_OPERATIONS
                if got == 404 or (public and (method == "get" or got >= 300)):
                    continue
                if unknown is None:  # the same request for an object that does not exist
                    url = path.replace("{public_id}", str(uuid.uuid4()))
                    unknown = _call(client, method, url).status_code
                if public or method == "get" or got != unknown:
                    wrong.append(
                        f"{role}: {method.upper()} {path} ({label}) → {got}, unknown → {unknown}"
                    )

    # then nobody outside was told any of them exists
    assert wrong == [], "\n".join(sorted(wrong))
    # and every kind of object the demo has was tried
    with_objects = {label for label in PREFIX_MODELS.values() if _objects(label)}
    assert with_objects <= tried
