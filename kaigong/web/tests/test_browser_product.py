"""
The product as `make run` serves it (issue #9 "Done when"): run settings with DEBUG off, a
fresh SQLite database, migrate + collectstatic + demo_load, then the real `manage.py serve`
(gunicorn with uvicorn's worker, the embedded runner beside it) on a free port. In chromium,
through pages only: the applicant of 沂南 applies for 占用、挖掘城市道路审批 from its project,
the window clerk accepts, the department's reviewer gives an opinion, its approver approves,
and the certificate is in the applicant's 我的证照 and downloads. Screenshots go to
test-results/screenshots/ (README).
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from .conftest import CHROMIUM, CHROMIUM_ARGS

pytestmark = pytest.mark.browser

BASE = Path(__file__).resolve().parents[3]
SHOTS = BASE / "test-results" / "screenshots"
PASSWORD = "Kaigong@2026"
MATTER = "371321-SZ-001"  # 占用、挖掘城市道路审批 (城管执法局)
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"

# Answer every required field the page did not pre-fill: a number, a date, a phone, the
# first option, yes, a text (the merged form's own types tell which).
FILL_REQUIRED = """
form => {
  for (const box of form.querySelectorAll('.field')) {
    if (!box.querySelector('.req')) continue;
    const radios = box.querySelectorAll('input[type=radio]');
    if (radios.length) { if (!box.querySelector('input:checked')) radios[radios.length - 1].checked = true; continue; }
    const checks = box.querySelectorAll('input[type=checkbox]');
    if (checks.length) { if (!box.querySelector('input:checked')) checks[0].checked = true; continue; }
    for (const el of box.querySelectorAll('select:not([name*="__"]), input, textarea')) {
      if (el.value) continue;
      if (el.tagName === 'SELECT') { const o = [...el.options].find(o => o.value); if (o) el.value = o.value; }
      else if (el.type === 'number') el.value = '10';
      else if (el.type === 'date') el.value = '2026-12-20';
      else if (el.type === 'tel') el.value = '13800138000';
      else el.value = '示例内容';
    }
  }
}
"""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def product(tmp_path_factory):
    """The served product's base URL; the server is stopped at the end."""
    if not CHROMIUM.exists():
        if os.environ.get("CI") == "true":
            pytest.fail("Debian's chromium is required in CI (make test installs it).")
        pytest.skip("Debian's chromium is not installed")
    var = tmp_path_factory.mktemp("product")
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.run",
        "DATABASE_URL": f"sqlite:///{var / 'db.sqlite3'}",
        "STATIC_ROOT": str(var / "static"),
        "MEDIA_ROOT": str(var / "media"),
        "KAIGONG_KEY_DIR": str(var / "keys"),
        "DJANGO_SECRET_KEY": "product-test-" + "x" * 40,
        "DEMO_PASSWORD": PASSWORD,
    }
    for name in ("DJANGO_DEBUG", "TEST_DATABASE_URL", "DJANGO_SECRET_KEY_FILE"):
        env.pop(name, None)
    manage = [sys.executable, str(BASE / "manage.py")]
    for step in (["migrate", "--noinput", "-v", "0"], ["collectstatic", "--noinput", "-v", "0"],
                 ["demo_load", "--if-empty"]):  # fmt: skip
        subprocess.run([*manage, *step], cwd=BASE, env=env, check=True, capture_output=True)
    port = _free_port()
    server = subprocess.Popen(
        [*manage, "serve", "--bind", f"127.0.0.1:{port}", "--workers", "1"],
        cwd=BASE,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _attempt in range(120):
            try:
                with urllib.request.urlopen(url + "/", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                time.sleep(0.25)
        else:
            pytest.fail("the served product did not answer")
        yield url
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=20)


def test_the_served_product_takes_an_application_to_its_certificate(product):
    from playwright.sync_api import sync_playwright

    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        context = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844})
        page = context.new_page()

        def shot(name: str) -> None:
            page.screenshot(path=str(SHOTS / f"product-{name}.png"), full_page=True)

        def log_in(username: str) -> None:
            context.clear_cookies()
            page.goto(product + "/accounts/login/")
            page.fill("#id_username", username)
            page.fill("#id_password", PASSWORD)
            with page.expect_navigation():
                page.click("button[type=submit]")

        def go(locator) -> None:
            with page.expect_navigation():
                locator.click()

        def nav(label: str) -> None:
            link = page.locator("header nav a", has_text=label).first
            if not link.is_visible():  # the later links sit in the 更多 menu
                page.locator("header nav .nav-more > summary").click()
            go(link)

        try:
            # the served pages: DEBUG off, our own Chinese 404
            missing = page.goto(product + "/no-such-page/")
            assert missing.status == 404 and "Traceback" not in page.content()

            # the applicant applies from its project for one matter of the bundle
            log_in("yinan_applicant")
            nav("我的项目")
            go(page.locator("main a", has_text="沂南县城区雨污分流管网改造工程").first)
            go(page.locator("#apply"))
            for box in page.locator("input[name=matters]").all():
                box.uncheck()
            page.check(f"input[name=matters][value='{MATTER}']")
            go(page.locator("button[name=start]"))
            page.eval_on_selector("#merged-form", FILL_REQUIRED)
            shot("01-form")
            go(page.locator("button[name=save]"))
            shot("02-materials")
            for form in page.locator("form[data-upload]").all():
                form.locator("input[type=file]").set_input_files(
                    files=[{"name": "材料.pdf", "mimeType": "application/pdf", "buffer": PDF}]
                )
                form.locator("button[type=submit]").click()
                form.locator(".upload-status:has-text('已上传')").wait_for()
            go(page.locator("[data-after-uploads]"))
            go(page.locator("button[name=submit]"))
            number = page.inner_text("#case-number").strip()
            shot("03-submitted")

            # the window clerk accepts it from the queue
            log_in("yinan_clerk")
            nav("窗口收件队列")
            go(page.locator("main a", has_text=number))
            go(page.locator("button[name=accept]"))
            page.wait_for_selector("#case-status.accepted")

            # the department's reviewer gives an opinion, its approver approves
            for username, step in (("yinan_zhifa_reviewer", "opinion"),
                                   ("yinan_zhifa_approver", "decide")):  # fmt: skip
                log_in(username)
                nav("审批")
                go(page.locator(f"tr:has-text('{number}') a").first)
                if step == "opinion":
                    page.select_option("#id_opinion-recommendation", "approve")
                    page.fill("#id_opinion-text", "材料齐全，符合法定条件，建议准予许可。")
                else:
                    page.select_option("#id_decide-decision", "approve")
                go(page.locator(f"button[name={step}]"))
                shot(f"04-{step}")
            assert page.locator("#item-status.approved").count() == 1

            # the applicant finds the certificate in 我的证照 and downloads it
            log_in("yinan_applicant")
            nav("我的证照")
            row = page.locator("main tr", has_text="沂南县城区雨污分流管网改造工程").filter(
                has_text="占用、挖掘城市道路许可决定书"
            )
            # the decision commits first; the served relay renders and signs the certificate
            # moments later (生成中 until then), so the applicant may have to look again
            for _ in range(60):
                if row.count() == 1 and row.first.locator("a", has_text="PDF").count():
                    break
                page.wait_for_timeout(1000)
                page.reload()
            shot("05-certificates")
            assert row.count() == 1
            with page.expect_download() as info:
                row.first.locator("a", has_text="PDF").click(modifiers=["Alt"])
            assert Path(info.value.path()).read_bytes().startswith(b"%PDF")
        finally:
            context.close()
            browser.close()
