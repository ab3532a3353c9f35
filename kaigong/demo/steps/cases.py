"""
Demo step: applications in several states, through the cases services only (drafting,
materials, submission at the window, acceptance, correction notice). Skipped for a project
that already has an application.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from django.core.files.base import ContentFile

from kaigong.accounts.models import Membership
from kaigong.accounts.roles import Role
from kaigong.archives.services import archive_sweep
from kaigong.cases.applicable import case_form_schema, case_material_needs
from kaigong.cases.constants import Decision, Recommendation
from kaigong.cases.models import Case, CaseItem
from kaigong.cases.services.acceptance import case_accept
from kaigong.cases.services.decision import item_decide
from kaigong.cases.services.drafting import case_create_draft, case_form_data_set
from kaigong.cases.services.intake import case_request_correction, case_submit
from kaigong.cases.services.materials import case_material_upload
from kaigong.cases.services.review import item_opinion_submit
from kaigong.catalog.selectors import bundle_get_by_code
from kaigong.demo.data import cases as data
from kaigong.projects.models import Project

if TYPE_CHECKING:
    from kaigong.demo.loader import DemoContext


def load_cases(context: DemoContext) -> None:
    for plan in data.CASES:
        project = Project.objects.select_related("enterprise").get(name=plan["project"])
        if Case.objects.filter(project=project).exists():
            continue
        applicant = context.users[plan["applicant"]]
        clerk = context.users[plan["clerk"]]
        bundle = bundle_get_by_code(plan["bundle"])
        case = case_create_draft(
            actor=applicant,
            project=project,
            bundle_code=bundle.code,
            matter_codes=[item.matter.code for item in bundle.items.select_related("matter")],
        )
        case = case_form_data_set(case=case, actor=applicant, data=_form_for(case, project))
        context.count("cases")
        if plan["state"] == data.DRAFT:
            continue
        for need in case_material_needs(case):
            file = ContentFile(data.DEMO_PDF, name=f"{need.code}.pdf")
            case_material_upload(case=case, actor=applicant, material_code=need.code, file=file)
        case.refresh_from_db()
        case = case_submit(case=case, actor=applicant)
        if plan["state"] in (data.ACCEPTED, data.ISSUED):
            case = case_accept(case=case, actor=clerk)
        if plan["state"] == data.ISSUED:
            _review_and_approve(case)
        elif plan["state"] == data.CORRECTION:
            case_request_correction(case=case, actor=clerk, items=plan["correction"])


def _review_and_approve(case: Case) -> None:
    """Each department's reviewer gives the opinion and its approver decides: two people."""
    for item in CaseItem.objects.filter(case=case).select_related("department").order_by("id"):
        reviewer = _staff(item.department, Role.REVIEWER)
        approver = _staff(item.department, Role.APPROVER)
        item_opinion_submit(
            item=item, actor=reviewer, text=data.OPINION_TEXT, recommendation=Recommendation.APPROVE
        )
        item = CaseItem.objects.get(pk=item.pk)  # the opinion moved it on: fresh version
        item_decide(item=item, actor=approver, decision=Decision.APPROVE)
    archive_sweep(project=case.project)


def _staff(department, role: str):
    membership = (
        Membership.objects.filter(department=department, role=role)
        .select_related("user")
        .order_by("id")
        .first()
    )
    return membership.user


def _form_for(case, project: Project) -> dict:
    """Every field of the merged form, from the project and the demo values."""
    known = {
        "project_name": project.name,
        "project_address": project.address,
        "construction_unit": project.enterprise.name,
        "construction_unit_uscc": project.enterprise.uscc,
        "land_area": project.land_area,
        "floor_area": project.floor_area,
        "total_investment": project.total_investment,
        **data.FORM_VALUES,
    }
    form = {}
    for key in case_form_schema(case)["properties"]:
        value = known.get(key)
        if value in (None, ""):
            continue
        form[key] = float(value) if isinstance(value, Decimal) else value
    return form
