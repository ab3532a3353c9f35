"""Print (as JSON) real identifiers of the demo database, per path parameter name and per
path prefix, for ``scripts/fuzz_hooks.py``. Run with the product's settings:
``manage.py shell < this``.

``by_prefix`` maps the part of a path before its first parameter (``marketplace/requests/``)
to identifiers of the objects that path names, so that every operation, of the spine and of
the apps above it, meets objects that exist: a role's own and other people's."""

import json
import random

from django.apps import apps

from kaigong.credit.constants import Gate

rng = random.Random(20260302)


def sample(label, field="public_id", n=6):
    model = apps.get_model(label)
    values = [str(v) for v in model.objects.values_list(field, flat=True)]
    rng.shuffle(values)
    return values[:n]


cases = sample("cases.Case", n=10)
items = sample("cases.CaseItem", n=10)
public_ids = (
    cases
    + items
    + sample("projects.Project")
    + sample("accounts.Enterprise")
    + sample("certificates.Certificate")
    + sample("core.Notification", n=4)
)

# path prefix (after /api/v1/) → the model its {public_id} names
PREFIX_MODELS = {
    "archives/projects/": "projects.Project",
    "assistance/assignments/": "assistance.HelperAssignment",
    "assistance/mandates/": "assistance.Mandate",
    "assistance/policies/": "assistance.Policy",
    "assistance/pre-reviews/": "assistance.PreReview",
    "assistance/questions/": "assistance.Question",
    "cases/": "cases.Case",
    "certificates/": "certificates.Certificate",
    "complaints/": "feedback.Complaint",
    "credit/records/": "credit.CreditRecord",
    "credit/repairs/": "credit.CreditRepair",
    "draws/": "core.Draw",
    "enterprises/": "accounts.Enterprise",
    "feedback/appeals/": "feedback.Appeal",
    "feedback/callbacks/": "feedback.CallbackTask",
    "feedback/evaluations/": "feedback.Evaluation",
    "feedback/invitations/": "feedback.Invitation",
    "feedback/tickets/": "feedback.Ticket",
    "inbox/": "core.Notification",
    "inspections/": "inspections.Inspection",
    "inspections/standards/": "inspections.InspectionStandard",
    "items/": "cases.CaseItem",
    "joint-reviews/": "inspections.JointReview",
    "marketplace/agencies/": "marketplace.Agency",
    "marketplace/requests/": "marketplace.ServiceRequest",
    "post-approval/commitment-checks/": "post-approval.CommitmentCheck",
    "post-approval/findings/": "postapproval.Finding",
    "post-approval/targets/": "postapproval.Target",
    "post-approval/tasks/": "postapproval.Task",
    "projects/": "projects.Project",
    "supervision/items/": "cases.CaseItem",
    "supervision/orders/": "supervision.SupervisionOrder",
    "supervision/registers/": "supervision.AuditBatch",
    "webhooks/subscriptions/": "integrations.WebhookSubscription",
}
by_prefix = {}
for prefix, label in PREFIX_MODELS.items():
    label = label.replace("post-approval.", "postapproval.")
    try:
        by_prefix[prefix] = sample(label)
    except LookupError:  # a model renamed: the generic identifiers still apply
        continue

known = {
    "public_id": public_ids,
    "case_id": cases,
    "doc_id": sample("documents.OfficialDocument"),
    "material_id": sample("cases.SubmittedMaterial"),
    "extension_id": sample("cases.Extension"),
    "item_id": sample("inspections.ChecklistItem"),
    "code": sample("catalog.Bundle", "code"),
    "token": sample("projects.ServiceCode", "token", n=4),
    "queue": ["warning", "overdue", "correction", "special", "denied", "orders", "reply_overdue"],
    "gate": [g.value for g in Gate],
    "by_prefix": by_prefix,
}
print(json.dumps(known))
