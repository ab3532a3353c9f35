"""
The people's journeys in a real browser (Debian's chromium, phone-sized), through pages
only: after the log-in page, every step is a click on a link or a button.

- the window clerk opens every submitted material of a case, sends one correction notice
  (一次性补正), and after the applicant answers it from the notice, accepts with 容缺;
- the applicant downloads the 受理通知书 and the 决定书, supplies the 容缺 materials (one
  from the inbox notice, one from the case page) and receives the certificates;
- the supervisor reads the case, the item and the materials, and can change nothing.

Each test builds its world through the services (the catalogue of the lifecycle tests,
with certificate types). Screenshots go to test-results/screenshots/ (README).
"""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest

from kaigong.accounts.tests.factories import PASSWORD
from kaigong.cases.models import Case, CaseItem, Commitment, Correction
from kaigong.cases.services.acceptance import case_accept_with_deferral
from kaigong.cases.services.intake import case_submit
from kaigong.cases.tests.factories import (
    CaseFactory,
    decide_all,
    item_of,
    lifecycle_world,
    review_all,
    upload_all,
)
from kaigong.certificates.models import Certificate
from kaigong.certificates.tests.factories import certificate_type, issuing_department
from kaigong.core.clock import local_date
from kaigong.core.models import AuditRecord, Notification

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(__file__).resolve().parents[3] / "test-results" / "screenshots"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def _keys(settings, tmp_path):
    settings.KAIGONG_KEY_DIR = tmp_path / "keys"


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"people-{name}.png"), full_page=True)


def log_in(page, user) -> None:
    """The start page of every journey: the log-in form (the only URL typed)."""
    page.context.clear_cookies()
    page.goto(page.base_url + "/accounts/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    with page.expect_navigation():
        page.click("button[type=submit]")


def nav(page, label: str) -> None:
    """Follow a link of the header navigation, opening its 更多 menu when the link is there."""
    link = page.locator("header nav a", has_text=label).first
    if not link.is_visible():
        page.locator("header nav .nav-more > summary").click()
    with page.expect_navigation():
        link.click()


def click(page, selector_or_locator) -> None:
    locator = (
        page.locator(selector_or_locator)
        if isinstance(selector_or_locator, str)
        else selector_or_locator
    )
    with page.expect_navigation():
        locator.click()


def download(page, link) -> bytes:
    """Click a link to a file; the bytes the browser received (a PDF opens as a download
    in headless chromium)."""
    with page.expect_download() as info:
        link.click(modifiers=["Alt"])  # Alt-click: "save link", in every chromium mode
    return Path(info.value.path()).read_bytes()


def upload(page, code: str) -> None:
    form = page.locator(f"#m-{code} form[data-upload]")
    form.locator("input[type=file]").set_input_files(
        files=[{"name": "补正材料.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    form.locator("button[type=submit]").click()
    form.locator(".upload-status:has-text('已上传')").wait_for()


def test_the_clerk_opens_every_material_corrects_once_and_accepts_with_deferral(browser_page):
    page = browser_page
    # given a submitted case whose drawings (容缺-deferrable) are not handed in
    world = lifecycle_world()
    case = CaseFactory(world=world)
    upload_all(case, world.applicant, skip=("m-drawings",))
    case = case_submit(case=Case.objects.get(pk=case.pk), actor=world.applicant)
    handed_in = case.materials.filter(is_current=True).exclude(source="certificate").count()

    # when the clerk finds it in the queue through the navigation
    log_in(page, world.clerk)
    nav(page, "窗口收件队列")
    click(page, page.locator("main a", has_text=case.number))
    shot(page, "a1-window-case")
    # and opens every submitted material: each answers inline, in the browser
    links = page.locator("a.open-material")
    assert links.count() == handed_in
    for index in range(links.count()):
        with page.expect_popup() as popup:
            links.nth(index).click()
        opened = popup.value
        opened.wait_for_load_state()
        opened.close()
    viewed = AuditRecord.objects.filter(action="material.viewed", actor=world.clerk.pk)
    assert viewed.count() == handed_in

    # and sends one correction notice: the form is defective; the drawings, pre-marked
    # missing, are left to follow under 容缺
    assert page.input_value("#id_correction-material__m-drawings") == "missing"
    page.select_option("#id_correction-material__m-drawings", "")
    page.select_option("#id_correction-material__m-form", "defective")
    page.fill("#id_correction-note", "申请表缺少单位盖章，请重新上传。")
    click(page, "button[name=correct]")
    shot(page, "a2-correction-sent")
    assert Correction.objects.filter(case=case).count() == 1

    # then the applicant answers it from the inbox notice and resubmits
    log_in(page, world.applicant)
    nav(page, "消息")
    notice = page.locator("li.notification", has_text=f"{case.number}：已通知补正")
    click(page, notice.locator("a").first)
    assert page.url.endswith("#m-m-form")
    upload(page, "m-form")
    shot(page, "a3-corrected")
    nav(page, "我的申请")
    click(page, page.locator("main a", has_text=case.number))
    click(page, "main a:has-text('核对并重新提交')")
    click(page, "button[name=submit], button[name=resubmit]")
    assert Case.objects.get(pk=case.pk).status == "submitted"

    # when the clerk accepts with the drawings deferred, within the limit the page shows
    log_in(page, world.clerk)
    nav(page, "窗口收件队列")
    click(page, page.locator("main a", has_text=case.number))
    limit = re.search(r"\d{4}-\d{2}-\d{2}", page.inner_text("#deferral-limit")).group(0)
    page.select_option("#id_commitment-kind", "deferral")
    page.check("input[name=commitment-materials][value=m-drawings]")
    page.fill("#id_commitment-text", "本单位承诺在期限内补齐设计图纸。")
    page.fill("#id_commitment-signer_name", "张三")
    page.fill("#id_commitment-due_on", limit)
    shot(page, "a4-deferral-form")
    click(page, "button[name=commit]")
    page.wait_for_selector("#case-status.accepted")
    shot(page, "a5-accepted")

    # then the case is accepted with the drawings deferred until that day
    case.refresh_from_db()
    assert case.status == "accepted"
    commitment = Commitment.objects.get(case=case)
    assert (commitment.kind, commitment.material_codes) == ("deferral", ["m-drawings"])
    assert commitment.due_on.isoformat() == limit


def _world_with_certificates():
    world = lifecycle_world()
    issuer = issuing_department(name="住建局")
    world.versions["M1"].certificate_types.add(
        certificate_type("ct-plan", "建设工程规划许可证", issuer)
    )
    world.versions["M2"].certificate_types.add(
        certificate_type("ct-permit", "建筑工程施工许可证", issuer)
    )
    return world


def _decided_with_deferral(world, materials):
    """Accepted with ``materials`` deferred (容缺), every item approved."""
    case = CaseFactory(world=world)
    upload_all(case, world.applicant, skip=tuple(materials))
    case = case_submit(case=Case.objects.get(pk=case.pk), actor=world.applicant)
    case = case_accept_with_deferral(
        case=case,
        actor=world.clerk,
        commitment={
            "text": "本单位承诺按期补齐。",
            "signer_name": "张三",
            "materials": list(materials),
            "due_on": local_date() + timedelta(days=1),
        },
    )
    review_all(case, world)
    decide_all(case, world)
    return Case.objects.get(pk=case.pk)


def test_the_applicant_downloads_the_documents_supplies_the_deferred_and_gets_certificates(
    browser_page,
):
    page = browser_page
    # given a case accepted with the drawings and the contract deferred, every item approved
    world = _world_with_certificates()
    case = _decided_with_deferral(world, ["m-drawings", "m-contract"])
    assert not Certificate.objects.filter(case_public_id=case.public_id, status="valid").exists()

    # when the applicant opens the case from 我的申请
    log_in(page, world.applicant)
    nav(page, "我的申请")
    click(page, page.locator("main a", has_text=case.number))
    shot(page, "b1-case-documents")
    # then it downloads the 受理通知书 and a 决定书, each a PDF
    documents = page.locator("#documents")
    for title in ("受理通知书", "准予行政许可决定书"):
        pdf = download(page, documents.locator("a", has_text=title).first)
        assert pdf.startswith(b"%PDF")

    # when it supplies the drawings from the acceptance notice in its inbox
    nav(page, "消息")
    shot(page, "b2-inbox")
    notice = page.locator("li.notification", has_text=f"{case.number}：已受理")
    click(page, notice.locator("a").first)
    assert page.url.endswith("#m-m-drawings")
    upload(page, "m-drawings")
    # and the contract from the case page's 容缺 link
    nav(page, "我的申请")
    click(page, page.locator("main a", has_text=case.number))
    click(page, "#supply-link")
    upload(page, "m-contract")
    shot(page, "b3-supplied")

    # then the certificates are issued: they are in 我的证照 and download as PDFs
    nav(page, "我的证照")
    shot(page, "b4-certificates")
    table = page.locator("main table").first
    for name in ("建设工程规划许可证", "建筑工程施工许可证"):
        assert name in table.inner_text()
    row = table.locator("tr", has_text="建设工程规划许可证")
    assert download(page, row.locator("a", has_text="PDF")).startswith(b"%PDF")
    assert Certificate.objects.filter(case_public_id=case.public_id, status="valid").count() == 2


def _state(case) -> tuple:
    """Everything a change would move."""
    case.refresh_from_db()
    return (
        case.version,
        case.status,
        case.event_count,
        tuple(CaseItem.objects.filter(case=case).values_list("version", "status")),
        case.materials.count(),
        Correction.objects.filter(case=case).count(),
        Notification.objects.filter(enterprise=case.enterprise).count(),
    )


def test_the_supervisor_reads_everything_and_can_change_nothing(browser_page, settings):
    page = browser_page
    # given an accepted case whose first item has an opinion, and one still submitted
    world = lifecycle_world()
    supervisor = world.users.get("supervisor")
    case = CaseFactory(world=world, accepted=True)
    review_all(case, world)
    queued = CaseFactory(world=world, submitted=True)
    before = (_state(case), _state(queued))

    # when the supervisor reads the window queue, the case, the worklist and the item page
    log_in(page, supervisor)
    nav(page, "窗口受理（监察）")
    click(page, page.locator("main a", has_text=queued.number))
    shot(page, "c1-supervisor-window-case")
    assert page.locator("#read-only").is_visible()
    assert page.locator("main form").count() == 0
    material = page.locator("a.open-material").first
    with page.expect_popup() as popup:
        material.click()
    popup.value.close()

    nav(page, "审批工作台（监察）")
    click(page, page.locator("main a", has_text=item_of(case, "M1").matter_version.name).first)
    shot(page, "c2-supervisor-item")
    assert "符合要求，建议同意。" in page.inner_text("#departments")
    assert page.locator("main form").count() == 0
    assert page.locator("#item-materials a.open-material").count() > 0
    click(page, page.locator("main a", has_text="办件详情").first)
    shot(page, "c3-supervisor-case")
    assert page.locator("main form").count() == 0

    # then every change it might try is refused, and nothing changed
    token = page.context.cookies()
    csrf = next(c["value"] for c in token if c["name"] == settings.CSRF_COOKIE_NAME)
    item = item_of(case, "M1")
    attempts = [
        (f"/window/{queued.public_id}/", {"action": "accept"}),
        (f"/window/{queued.public_id}/", {"action": "refuse", "refuse-reason": "x"}),
        (f"/workbench/items/{item.public_id}/", {"action": "decide", "decide-decision": "deny"}),
        (f"/workbench/items/{item.public_id}/", {"action": "extend"}),
        (f"/cases/{case.public_id}/withdraw/", {"reason": "监督撤回"}),
        (f"/cases/{queued.public_id}/submit/", {}),
        (f"/cases/{case.public_id}/materials/m-drawings/", {}),
    ]
    for path, form in attempts:
        response = page.request.post(
            page.base_url + path, form=form, headers={"X-CSRFToken": csrf}, max_redirects=0
        )
        assert response.status in (403, 404), (path, response.status)
    assert (_state(case), _state(queued)) == before
