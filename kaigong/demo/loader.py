"""
Load the demo data (DESIGN.md §8) through the services of every app, in steps.

    demo_load(if_empty=…)
      ├─ accounts   departments, service centres and windows, enterprises, users, roles
      ├─ catalogue  reference lists, revision 1 “初始目录” with every matter, bundles, publish
      ├─ projects   one project per locality with its situation answers
      ├─ cases      applications in several states (draft, submitted, correction, in review)
      └─ assistance helpers, mandates, experts, policies, suggestions, pre-reviews (#12)
      └─ feedback   evaluations, a rectified bad review, 滨州's callback list, a 12345 complaint
      └─ integrations  a (paused) webhook subscription
      ├─ marketplace  滨州's 中介超市: a drawn agency, a report used in a case, ratings
      └─ postapproval 沂南's 审管联动: a random check, a breach, a revoked permit, a credit record
      └─ inspections 沂南 云踏勘 (standard, a signed record), 滨州 联合评审 (panel, letter)

Each step is idempotent: rows are found by their natural key (department code, username,
USCC, catalogue code, revision title) and left alone when they exist, so running the load
twice changes nothing. The whole load is one transaction: a failing step leaves nothing.
Adding a step (cases in several states, certificates …) is one more entry in ``STEPS``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from kaigong.accounts.models import Department, Enterprise, ServiceCenter, User
from kaigong.catalog.models import CatalogRevision
from kaigong.certificates.services import rendering_inline
from kaigong.core.exceptions import InvalidInput
from kaigong.demo.steps.accounts import load_accounts
from kaigong.demo.steps.assistance import load_assistance
from kaigong.demo.steps.cases import load_cases
from kaigong.demo.steps.catalogue import load_catalogue
from kaigong.demo.steps.feedback import load_feedback
from kaigong.demo.steps.inspections import load_inspections
from kaigong.demo.steps.integrations import load_integrations
from kaigong.demo.steps.marketplace import load_marketplace
from kaigong.demo.steps.material_files import load_material_files
from kaigong.demo.steps.postapproval import load_postapproval
from kaigong.demo.steps.projects import load_projects
from kaigong.demo.steps.supervision import load_supervision


@dataclass
class DemoContext:
    """What the steps share: rows by natural key, and the catalogue keeper acting."""

    password: str
    password_hash: str | None = None  # hashed once per load, shared by every demo user
    departments: dict[str, Department] = field(default_factory=dict)
    centers: dict[str, ServiceCenter] = field(default_factory=dict)
    enterprises: dict[str, Enterprise] = field(default_factory=dict)
    users: dict[str, User] = field(default_factory=dict)
    created: dict[str, int] = field(default_factory=dict)

    def count(self, what: str, n: int = 1) -> None:
        self.created[what] = self.created.get(what, 0) + n


@dataclass(frozen=True)
class Step:
    name: str
    run: Callable[[DemoContext], None]


STEPS: tuple[Step, ...] = (
    Step("accounts", load_accounts),
    Step("catalogue", load_catalogue),
    Step("material files", load_material_files),
    Step("projects", load_projects),
    Step("cases", load_cases),
    Step("assistance", load_assistance),
    Step("feedback", load_feedback),
    Step("supervision", load_supervision),
    Step("integrations", load_integrations),
    Step("marketplace", load_marketplace),
    Step("postapproval", load_postapproval),
    Step("inspections", load_inspections),
)


@dataclass(frozen=True)
class DemoLoadResult:
    skipped: bool
    created: dict[str, int]


def database_is_empty() -> bool:
    """No user and no catalogue revision yet: a fresh installation."""
    return not User.objects.exists() and not CatalogRevision.objects.exists()


def _demo_password() -> str:
    password = settings.DEMO_PASSWORD
    try:
        validate_password(password)
    except ValidationError as exc:
        raise InvalidInput(
            _("DEMO_PASSWORD is too weak: %(reasons)s")
            % {"reasons": " ".join(str(m) for m in exc.messages)},
            code="weak_password",
        ) from None
    return password


@transaction.atomic
def demo_load(*, if_empty: bool = False) -> DemoLoadResult:
    """
    Load the demo data. With ``if_empty`` nothing happens unless the database is empty.

    Errors: ``weak_password`` (DEMO_PASSWORD fails the password validators), and any error
    of the services called (the whole load is rolled back).
    """
    if if_empty and not database_is_empty():
        return DemoLoadResult(skipped=True, created={})
    context = DemoContext(password=_demo_password())
    # the whole load is one transaction and later steps revoke and inspect the certificates
    # of earlier ones: they are rendered as they are issued, not after commit
    with rendering_inline():
        for step in STEPS:
            step.run(context)
    return DemoLoadResult(skipped=False, created=dict(context.created))
