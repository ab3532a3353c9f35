"""
What the demo contains, checked against the seeds (DESIGN.md §8).

The demo is loaded once for this module inside a transaction that is rolled back at the
end; each test runs in its own savepoint within it (pytest-django), so the tests stay
independent while the load, which goes through every service, runs only once.
"""

from django.db import transaction

import pytest
from stdnum.cn import uscc as stdnum_uscc

from kaigong.accounts.models import Department, Enterprise, Membership
from kaigong.accounts.roles import Role
from kaigong.archives.package import package_build, package_verify
from kaigong.archives.services import archive_folder_open, archive_sweep
from kaigong.cases.constants import CaseStatus, ItemStatus
from kaigong.cases.models import Case
from kaigong.catalog.constants import BundleKind, DependencyKind, RevisionStatus, VersionStatus
from kaigong.catalog.models import Bundle, CatalogRevision, MatterVersion, ProcessTrack
from kaigong.catalog.selectors import key_project_limit
from kaigong.certificates.constants import VerificationStatus
from kaigong.certificates.models import Certificate
from kaigong.certificates.verification import certificate_verify_identifier
from kaigong.core.clock import local_date
from kaigong.demo.data import binzhou, gaoming, people, weifang, yinan
from kaigong.demo.data.projects import PROJECTS
from kaigong.demo.data.supervision import AGED
from kaigong.demo.loader import demo_load
from kaigong.projects.guide import project_guide
from kaigong.projects.models import Project
from kaigong.supervision.constants import OrderStatus
from kaigong.supervision.models import AuditBatch, AuditEntry, SupervisionOrder
from kaigong.supervision.selectors import colour_counts
from kaigong.supervision.stats import reform_metrics

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def loaded(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        demo_load()
        yield
        transaction.set_rollback(True)


def _bundle(code: str) -> Bundle:
    return Bundle.objects.get(code=code)


def _published_version(matter_code: str) -> MatterVersion:
    return MatterVersion.objects.get(matter__code=matter_code, status=VersionStatus.PUBLISHED)


def test_every_enterprise_and_department_code_is_a_valid_uscc(loaded):
    codes = [e.uscc for e in Enterprise.objects.all()]
    codes += [d.uscc for d in Department.objects.all()]
    assert len(codes) == len(people.ENTERPRISES) + len(people.DEPARTMENTS)
    for code in codes:
        # checked by python-stdnum's GB 32100 check character, not by the code that made
        # them (stdnum's validate() also wants 8 leading digits, which N2 codes do not have)
        assert len(code) == 18
        assert stdnum_uscc.calc_check_digit(code[:-1]) == code[-1], code
    assert any(code.startswith("N2") for code in codes)  # a village collective


def test_there_is_a_demo_user_for_every_role(loaded):
    held = set(Membership.objects.values_list("role", flat=True))
    assert held == set(Role.values)


def test_every_reviewing_department_has_a_reviewer_and_an_approver_who_differ(loaded):
    departments = {v.department_id for v in MatterVersion.objects.all()}
    for department_id in departments:
        reviewers = set(
            Membership.objects.filter(department_id=department_id, role=Role.REVIEWER).values_list(
                "user_id", flat=True
            )
        )
        approvers = set(
            Membership.objects.filter(department_id=department_id, role=Role.APPROVER).values_list(
                "user_id", flat=True
            )
        )
        assert reviewers and approvers
        assert reviewers.isdisjoint(approvers) is True


def test_catalogue_keeper_and_supervisor_are_staff_and_share_the_demo_password(loaded, settings):
    for role in (Role.CATALOG_ADMIN, Role.SUPERVISOR):
        user = Membership.objects.get(role=role).user
        assert user.is_staff is True
        assert user.check_password(settings.DEMO_PASSWORD) is True


def test_yinan_bundle_has_five_optional_items(loaded):
    bundle = _bundle(yinan.BUNDLE_CODE)
    items = list(bundle.items.all())
    assert bundle.kind == BundleKind.ONE_THING
    assert len(items) == 5
    assert all(item.mandatory is False for item in items)


def test_yinan_materials_merge_from_16_to_10_computed_from_requirement_rows(loaded):
    # given the published versions of the five matters of 沂南's bundle
    matter_ids = _bundle(yinan.BUNDLE_CODE).items.values_list("matter_id", flat=True)
    versions = MatterVersion.objects.filter(
        matter_id__in=matter_ids, status=VersionStatus.PUBLISHED
    )
    # when their requirement rows are counted, and their distinct materials
    rows = [r.material_id for v in versions for r in v.requirements.all()]
    # then the seed's figures come out of the catalogue
    assert len(rows) == 16
    assert len(set(rows)) == 10


def test_yinan_has_deferrable_and_certificate_satisfied_materials(loaded):
    matter_ids = _bundle(yinan.BUNDLE_CODE).items.values_list("matter_id", flat=True)
    versions = MatterVersion.objects.filter(matter_id__in=matter_ids)
    requirements = [r for v in versions for r in v.requirements.all()]
    assert any(r.deferrable for r in requirements) is True
    assert any(r.satisfied_by_id is not None for r in requirements) is True


def test_weifang_merged_matter_issues_four_certificate_types(loaded):
    version = _published_version(weifang.MERGED_MATTER_CODE)
    names = set(version.certificate_types.values_list("name", flat=True))
    assert names == {
        "建筑工程施工许可证",
        "工程质量监督登记",
        "安全施工措施备案",
        "人防工程质量监督登记",
    }


def test_weifang_has_five_themes_and_the_two_tracks(loaded):
    themes = Bundle.objects.filter(kind=BundleKind.THEME, region_code=weifang.REGION)
    assert set(themes.values_list("name", flat=True)) == {
        "我要立项", "我要用地", "我要规划图", "我要施工图", "我要开工"
    }  # fmt: skip
    tracks = dict(ProcessTrack.objects.values_list("name", "main_process_days"))
    assert tracks["社会投资民用建筑工程"] == 35
    assert tracks["工业建筑工程"] == 25


def test_weifang_works_planning_permit_can_be_pre_approved_for_the_next_step(loaded):
    permit = _published_version("370700-ZR-004")
    merged = _published_version(weifang.MERGED_MATTER_CODE)
    assert permit.pre_approval_allowed is True
    kinds = {d.prerequisite.code: d.kind for d in merged.dependencies.all()}
    assert kinds["370700-ZR-004"] == DependencyKind.ACCEPTS_PRE_APPROVAL


def test_binzhou_joint_issuance_holds_ten_certificates_until_the_land_use_right(loaded):
    bundle = _bundle(binzhou.JOINT_ISSUANCE_CODE)
    rule = bundle.issuance_rules.get()
    assert bundle.kind == BundleKind.JOINT_ISSUANCE
    assert bundle.promised_limit == 45
    assert rule.condition_name == "取得土地使用权"
    assert rule.certificate_types.count() == 10


def test_binzhou_review_starts_on_the_land_pre_review_with_a_commitment(loaded):
    version = _published_version("371600-ZR-002")
    dependency = version.dependencies.get(prerequisite__code=binzhou.LAND_PRE_REVIEW)
    assert dependency.kind == DependencyKind.ACCEPTS_PRE_APPROVAL
    assert version.commitment_allowed is True


def test_binzhou_joint_review_bundles_the_four_element_matters(loaded):
    bundle = _bundle(binzhou.JOINT_REVIEW_CODE)
    names = {item.matter.name for item in bundle.items.all()}
    assert bundle.kind == BundleKind.JOINT_REVIEW
    assert names == {"建设项目环境影响评价审批", "固定资产投资项目节能审查",
                     "生产建设项目水土保持方案审批", "取水许可"}  # fmt: skip


def test_gaoming_key_project_limit_is_computed_as_34(loaded):
    bundle = _bundle(gaoming.BUNDLE_CODE)
    assert bundle.promised_limit == 48
    assert key_project_limit(bundle.promised_limit, bundle.key_project_factor) == 34


def test_every_version_and_revision_is_published(loaded):
    assert CatalogRevision.objects.exclude(status=RevisionStatus.PUBLISHED).exists() is False
    assert MatterVersion.objects.exclude(status=VersionStatus.PUBLISHED).exists() is False
    assert MatterVersion.objects.filter(effective_from__isnull=True).exists() is False


def test_the_guide_of_the_yinan_demo_project_shows_16_materials_merged_to_10(loaded):
    # given the 沂南 demo project, which answers yes to the five situation questions
    project = Project.objects.get(name=PROJECTS[0]["name"])
    # when its customised guide is built for the municipal-facilities bundle
    guide = project_guide(project, bundle_codes=[yinan.BUNDLE_CODE])
    # then the guide computes the seed's figures from the catalogue
    assert guide.materials_before == 16
    assert guide.materials_after == 10


def test_each_locality_has_a_demo_project_of_its_enterprise(loaded):
    names = set(Project.objects.values_list("name", flat=True))
    supervision = {name for name, _ago, _what in AGED}  # the supervision step's applications
    assert names == {p["name"] for p in PROJECTS} | supervision


def test_demo_applications_are_in_several_states(loaded):
    statuses = {c.project.name: c.status for c in Case.objects.select_related("project")}
    assert statuses == {
        "沂南县汶河路供水管网迁改工程": CaseStatus.ISSUED,
        "沂南县城区雨污分流管网改造工程": CaseStatus.ACCEPTED,
        "鸢都滨河花园住宅小区项目": CaseStatus.SUBMITTED,
        # corrected with the 节能报告 bought in the 中介超市, then approved (steps/marketplace.py)
        "年产5万吨高性能铝合金新材料项目": CaseStatus.ISSUED,
        "沧江新材料产业园一期项目": CaseStatus.DRAFT,
        # the supervision step's: red/yellow/green clocks, a refusal and a correction this week
        "沂南县澳柯玛大道燃气管线敷设工程": CaseStatus.ACCEPTED,
        "沂南县振兴路雨水管道改造工程": CaseStatus.ACCEPTED,
        "沂南县人民路路灯杆线迁移工程": CaseStatus.REFUSED,
        "沂南县滨河东路绿化带改造工程": CaseStatus.CORRECTION_REQUESTED,
    }


def test_the_accepted_yinan_application_is_in_parallel_review_in_three_departments(loaded):
    case = Case.objects.get(
        bundle__code=yinan.BUNDLE_CODE,
        status=CaseStatus.ACCEPTED,
        project__name="沂南县城区雨污分流管网改造工程",
    )
    items = list(case.items.select_related("matter_version__department"))
    assert len(items) == 5
    assert {i.status for i in items} == {ItemStatus.IN_REVIEW}
    assert {i.matter_version.department.code for i in items} == {
        "yinan-zhifa", "yinan-zhujian", "yinan-shuiwu"
    }  # fmt: skip


def test_the_concluded_yinan_application_has_verifiable_certificates(loaded):
    # given the demo application taken through review and decision by two people per
    # department
    case = Case.objects.get(status=CaseStatus.ISSUED, bundle__code=yinan.BUNDLE_CODE)
    certificates = list(Certificate.objects.filter(project=case.project))

    # then one certificate per matter was issued together, and each verifies as valid —
    # but the one the 审管联动 check revoked (steps/postapproval.py), which verifies as revoked
    assert len(certificates) == case.items.count() == 5
    assert len({c.released_at for c in certificates}) == 1  # 一次出证: released together
    revoked = {c.identifier for c in certificates if c.revoked_at is not None}
    assert len(revoked) == 1
    for certificate in certificates:
        result = certificate_verify_identifier(certificate.identifier)
        expected = "revoked" if certificate.identifier in revoked else VerificationStatus.VALID
        assert result.status == expected
    for item in case.items.select_related("reviewer", "approver"):
        assert item.reviewer_id != item.approver_id


@pytest.mark.parametrize("name", [p["name"] for p in PROJECTS])
def test_every_demo_project_archive_exports_and_verifies(loaded, name):
    # given every demo project's archive folder, swept from its applications
    project = Project.objects.get(name=name)
    archive_sweep(project=project)
    folder = archive_folder_open(project=project)

    # when its package is built and verified
    report = package_verify(package_build(folder))

    # then every file matches its SM3 hash in the manifest
    assert report.ok is True
    assert report.checked == folder.documents.count()


def test_every_demo_case_history_verifies_with_its_row_and_a_checkpoint(loaded):
    # given the demo's cases, made through the services
    from kaigong.cases.services.checkpoints import chain_checkpoint_take
    from kaigong.cases.services.events import case_event_chains_verify

    assert Case.objects.filter(event_count__gt=0).count() == Case.objects.count() > 0
    # when a checkpoint is signed over them
    taken = chain_checkpoint_take()
    # then it refuses no case, and every chain, row and the checkpoint verify
    assert taken.refused == []
    assert taken.checkpoint.case_count == Case.objects.count()
    assert case_event_chains_verify() == []


def test_binzhou_morning_callbacks_a_rectified_bad_review_and_a_12345_complaint(loaded):
    from kaigong.feedback.models import CallbackList, Complaint, Evaluation, Ticket

    # the bad review was verified, assigned, rectified, fed back and closed by its callback
    ticket = Ticket.objects.select_related("evaluation", "service_center").get()
    assert ticket.service_center.code == "binzhou-center"
    assert (ticket.status, ticket.evaluation.level) == ("closed", 2)
    assert ticket.measures and ticket.feedback and ticket.followups.get().outcome == "satisfied"
    # the next working morning's list holds the application concluded today, called
    callbacks = CallbackList.objects.get(service_center__code="binzhou-center")
    assert callbacks.mode == "all_previous_day" and callbacks.covers < callbacks.on
    assert [t.outcome for t in callbacks.tasks.all()] == ["satisfied"]
    # the 12345 work order was answered within its limit and closed on confirmation
    complaint = Complaint.objects.get(channel="hotline")
    assert complaint.status == "closed" and complaint.answered_on <= complaint.due_on
    assert Evaluation.objects.count() >= 5


def test_binzhou_marketplace_draws_an_agency_whose_report_served_the_case(loaded):
    from kaigong.core.draw_selectors import draw_public_get
    from kaigong.marketplace.models import ServiceRequest
    from kaigong.marketplace.selectors import composite_score

    request = ServiceRequest.objects.get(material_code="energy-report")
    assert request.status == "delivered" and request.bids.count() == 3
    assert draw_public_get(request.draw.public_id)["verification"]["ok"]
    assert request.deliverable.material_public_id is not None
    kinds = dict(request.ratings.values_list("rater_kind", "overall"))
    # derived from the approval: no correction after the report, one review round → 100
    assert kinds["department"] == 100 and set(kinds) == {"department", "owner", "centre"}
    assert composite_score(request.winner.agency)["score"] is not None


def test_binzhou_marketplace_hears_an_objection_and_suspends_an_agency_under_due_process(loaded):
    from kaigong.core.clock import local_date
    from kaigong.credit.models import CreditRecord
    from kaigong.credit.selectors import credit_gate
    from kaigong.marketplace.models import Objection, Sanction, ServiceRequest

    request = ServiceRequest.objects.get(material_code="energy-report")
    # the objection: raised by a losing bidder within the 公示, dismissed before the contract
    objection = Objection.objects.get(request=request)
    assert objection.raiser_kind == "bidder" and objection.status == "dismissed"
    assert objection.bid == request.winner
    assert objection.raised_by.memberships.filter(
        enterprise__in=request.bids.exclude(pk=request.winner.pk).values("agency__enterprise")
    ).exists()
    assert request.chosen_at < objection.created_at < objection.decided_at
    assert local_date(objection.decided_at) <= request.objection_until < request.contract.signed_on
    # the sanction: notice → statement → decision, a suspension with its credit record
    sanction = Sanction.objects.get()
    assert [step["to"] for step in sanction.history] == ["noticed", "stated", "decided"]
    assert sanction.kind == "suspend" and sanction.statement and sanction.decision
    assert sanction.agency.status == "suspended"
    objector = objection.raised_by.memberships.get(role="intermediary").enterprise.agency
    assert sanction.agency not in (objector, request.winner.agency)
    record = CreditRecord.objects.get(public_id=sanction.credit_record_public_id)
    assert (record.subject_kind, record.expires_on) == ("agency", sanction.ends_on)
    gate = credit_gate(sanction.agency.enterprise, "marketplace")
    assert not gate.allowed and gate.cite()["records"] == [str(record.public_id)]


def test_yinan_post_approval_check_revokes_a_permit_and_records_credit(loaded):
    from kaigong.certificates.models import Certificate
    from kaigong.credit.models import CreditRecord
    from kaigong.postapproval.models import Finding

    finding = Finding.objects.get()
    assert finding.status == "revoked"
    assert Certificate.objects.get(identifier=finding.revoked_certificate).status == "revoked"
    record = CreditRecord.objects.get(public_id=finding.credit_record_public_id)
    assert record.level == "serious" and record.source == "system"


def test_yinan_inspection_has_a_recorded_session_and_the_projects_red_line(loaded):
    from kaigong.inspections.models import Inspection
    from kaigong.inspections.services import record_verify

    inspection = Inspection.objects.get(item__case__project__name="沂南县城区雨污分流管网改造工程")
    segments = list(inspection.segments.order_by("sequence"))
    assert [g.sequence for g in segments] == [0, 1]
    verification = record_verify(inspection.record)
    assert verification["ok"] and verification["recording"]["ok"]
    assert verification["recording"]["chain_head"] == segments[-1].chain
    assert len(inspection.project.red_line) == 4
    assert all(p.inside_site for p in inspection.locations.all())


def test_binzhou_joint_review_has_signed_opinions_and_a_conflict_resolved_at_the_meeting(loaded):
    from kaigong.archives.models import ArchiveDocument
    from kaigong.inspections.joint_services import letter_verify, opinion_signature_verify
    from kaigong.inspections.models import JointReview

    review = JointReview.objects.get(title="年产5万吨高性能铝合金新材料项目多评合一联合评审")
    letter = review.letters.get(round=1)
    assert len(letter.data["signed_by"]) >= review.quorum == 2
    assert all(opinion_signature_verify(s) for s in review.opinion_signatures.all())
    assert letter_verify(letter)["ok"] and letter.signed_by is not None
    resolved = [m for m in letter.data["items"] if m["conflict"]]
    assert len(resolved) == 1 and resolved[0]["resolution"].startswith("会议议定")
    assert ArchiveDocument.objects.filter(
        origin_type="inspections.reviewletter", origin_id=str(letter.public_id)
    ).exists()


def test_each_seeds_service_model_is_visible_through_pages(loaded):
    """Done when (#12): 沂南's 项目助手 with the expert team, 潍坊's 专班 on a key project,
    滨州's callback list and rectified bad review, rated per window — on their pages."""
    from django.test import Client

    from kaigong.accounts.models import User
    from kaigong.assistance.models import ExpertDuty, HelperAssignment, HelperTeam, Mandate

    def page(username, url):
        client = Client()
        client.force_login(User.objects.get(username=username))
        response = client.get(url)
        assert response.status_code == 200, url
        return response.content.decode()

    # 沂南: the county 项目助手 under a mandate, the nine experts on duty
    helper = User.objects.get(username="yinan_helper")
    assignment = HelperAssignment.objects.filter(helper=helper, until__isnull=True).first()
    assert assignment is not None and assignment.level == "county"
    assert Mandate.objects.filter(agent=helper, revoked_at__isnull=True).exists()
    assert ExpertDuty.objects.filter(department__region_code__startswith="371321").count() == 9
    assert assignment.project.name in page("yinan_helper", "/assistance/workbench/")
    project_page = page("yinan_clerk", f"/assistance/projects/{assignment.project.public_id}/")
    assert str(helper) in project_page
    # 潍坊: the 专班 of three levels on the key project
    team = HelperTeam.objects.get(name="鸢都智能装备产业园项目专班")
    members = HelperAssignment.objects.filter(team=team, until__isnull=True)
    assert sorted(members.values_list("level", flat=True)) == ["city", "county", "town"]
    key_project = members.first().project
    assert team.name in page("weifang_clerk", f"/assistance/projects/{key_project.public_id}/")
    # 滨州: the callback list and the closed ticket on the callback agent's pages, and the
    # published figures per window
    page("binzhou_callback", "/feedback/callbacks/")
    results = page("binzhou_callback", "/feedback/results/")
    accepted = Case.objects.filter(accepted_window__isnull=False).select_related("accepted_window")
    assert accepted.exists()
    assert accepted.first().accepted_window.name in results


def test_the_demo_has_work_for_a_supervisor_and_the_seeds_reform_figures(loaded):
    """
    The demo as a supervisor finds it: red, yellow and green items, open 督办 orders, a week
    of denials awaiting audit, and the 沂南 reform figures of the seed (seeds/000: 16 → 10
    materials, 5 → 1 visits, 15 → 3 steps, over 60 % less time) computed from the
    catalogue, not typed. (That loading again changes no supervision row: test_loader.)
    """
    colours = colour_counts(None, on=local_date())
    assert colours["red"] > 0 and colours["yellow"] > 0 and colours["green"] > 0
    assert SupervisionOrder.objects.filter(status=OrderStatus.OPEN).exists()
    assert AuditEntry.objects.filter(finding="").count() >= 2  # a refusal and corrections
    assert AuditBatch.objects.filter(confirmed_at__isnull=True).exists()

    figures = reform_metrics(_bundle(yinan.BUNDLE_CODE))
    assert (figures["materials_before"], figures["materials_after"]) == (16, 10)
    assert (figures["visits_before"], figures["visits_after"]) == (5, 1)
    assert (figures["steps_before"], figures["steps_after"]) == (15, 3)
    # promised limits 5 + 5 + 5 + 5 + 7 = 27 one after another; the bundle promises 7
    assert (figures["promised_days_before"], figures["promised_days_after"]) == (27, 7)
    assert figures["time_saved_percent"] > 60
