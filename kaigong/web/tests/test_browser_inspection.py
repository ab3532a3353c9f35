"""
A real video call in Debian's chromium with fake camera and microphone: the inspector and
the person on site open the call page on the ASGI application (uvicorn in a thread, so the
WebSocket signalling runs through Channels), media flow both ways (getStats shows decoded
frames on each side), the inspector's snapshot is uploaded and hashed, the inspector's
browser records the on-site stream in segments (MediaRecorder) and uploads them, the
segments appear on the record and verify, and the site person's browser location, set by
the test, is recorded against the site.
"""

from __future__ import annotations

import os
import socket
import threading
import time

from django.test import Client

import pytest

from kaigong.cases.hashing import sm3_hex
from kaigong.inspections.models import CallSegment, LocationSample, Snapshot
from kaigong.inspections.services import (
    inspection_slot_pick,
    inspection_start,
    record_verify,
    record_write,
    result_set,
)
from kaigong.inspections.tests.factories import inspection_world, requested

from .conftest import CHROMIUM, CHROMIUM_ARGS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
MEDIA = ["--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream"]


def _serve():
    from django.core.asgi import get_asgi_application

    import uvicorn

    from config.asgi import build_application

    # built here, after the test's settings: an application another test of this process
    # built earlier would serve no static files (whitenoise reads its finders when built)
    application = build_application(get_asgi_application())

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(application, host="127.0.0.1", port=port,
                                           log_level="warning", lifespan="off", ws="websockets"))  # fmt: skip
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    for _ in range(100):
        if server.started:
            break
        time.sleep(0.05)
    return server, f"http://127.0.0.1:{port}"


def _session(user) -> str:
    client = Client()
    client.force_login(user)
    return client.cookies["sessionid"].value


def test_a_video_call_between_the_inspector_and_the_site(settings, tmp_path):
    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed")
    settings.KAIGONG_KEY_DIR = tmp_path
    settings.WHITENOISE_USE_FINDERS = True
    settings.WHITENOISE_AUTOREFRESH = True
    settings.KAIGONG_CALL_SEGMENT_SECONDS = 2
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    world, standard, _case, item = inspection_world()
    inspection = requested(world, item)
    inspection_slot_pick(
        actor=world.applicant, inspection=inspection, slot=inspection.slots.get().public_id
    )
    inspection_start(actor=world.inspector1, inspection=inspection)
    server, base = _serve()
    from playwright.sync_api import sync_playwright

    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS + MEDIA)
            pages = {}
            for who, user in (("inspector", world.inspector1), ("site", world.applicant)):
                context = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844},
                                              permissions=["geolocation", "camera", "microphone"],
                                              geolocation={"latitude": 35.5505, "longitude": 118.4601})  # fmt: skip
                context.add_cookies([{"name": "sessionid", "value": _session(user), "url": base}])
                page = context.new_page()
                page.goto(f"{base}/inspections/{inspection.public_id}/call/")
                pages[who] = page
                time.sleep(1.0)  # the inspector is in the room first; the site joins and is offered
            for page in pages.values():
                page.wait_for_function("() => window.kaigongCall && Object.keys(window.kaigongCall.peers).length > 0",
                                       timeout=60000)  # fmt: skip
            for page in pages.values():
                page.wait_for_function(
                    "async () => (await window.kaigongCall.framesReceived()) > 0", timeout=60000
                )
            first = standard.items.first()
            row = pages["inspector"].evaluate(
                f"() => window.kaigongCall.snapshot('{first.public_id}')"
            )
            pages["inspector"].wait_for_function(
                "() => window.kaigongCall.segments().length > 0", timeout=30000
            )
            uploaded = pages["inspector"].evaluate("() => window.kaigongCall.flushRecording()")
            pages["inspector"].screenshot(path=str(tmp_path / "call.png"))
            deadline = time.time() + 15
            while (
                time.time() < deadline
                and not LocationSample.objects.filter(inspection=inspection).exists()
            ):
                time.sleep(0.3)
            browser.close()
    finally:
        server.should_exit = True
    segments = list(CallSegment.objects.filter(inspection=inspection).order_by("sequence"))
    assert [g.sequence for g in segments] == list(range(len(segments))) and segments
    assert [u["sm3"] for u in uploaded] == [g.sm3 for g in segments]
    for g in segments:
        with g.file.open("rb") as handle:
            content = handle.read()
        assert content.startswith(b"\x1a\x45\xdf\xa3") and sm3_hex(content) == g.sm3
    for check in standard.items.all():
        result_set(actor=world.inspector1, inspection=inspection, checklist_item=check.public_id,
                   result="pass")  # fmt: skip
    record = record_write(actor=world.inspector1, inspection=inspection, conclusion="pass",
                          summary="合格")  # fmt: skip
    assert [x["sm3"] for x in record.data["recording"]["segments"]] == [g.sm3 for g in segments]
    assert record_verify(record)["recording"]["ok"]
    client = Client()
    client.force_login(world.inspector1)
    page = client.get(f"/inspections/{inspection.public_id}/").content.decode()
    assert 'id="recording-ok"' in page and segments[0].sm3 in page
    snapshot = Snapshot.objects.get(inspection=inspection)
    assert row["sm3"] == snapshot.sm3 and len(snapshot.sm3) == 64
    sample = LocationSample.objects.filter(inspection=inspection).first()
    # 0.0005° north and 0.0001° east of the site: about 56 m, inside the 300 m fence
    assert sample is not None and sample.inside_site is True and 50 <= sample.distance_m <= 60
