"""
The WebSocket signalling of the video inspection (kaigong/inspections/consumers.py), with
channels' WebsocketCommunicator: the inspectors and the person on site join and their
offers, answers and candidates are relayed to the addressed peer only; an outsider, an
anonymous visitor and a foreign origin are refused.
"""

from __future__ import annotations

import pytest
import time_machine
from asgiref.sync import async_to_sync
from channels.routing import URLRouter

from kaigong.cases.tests.conftest import MONDAY
from kaigong.inspections.routing import websocket_urlpatterns
from kaigong.inspections.services import inspection_slot_pick

from .factories import inspection_world, requested


def _websocket_communicator():
    """
    channels' WebsocketCommunicator. ``channels.testing`` also imports its live-server case,
    which needs daphne (not a dependency: gunicorn+uvicorn serve ASGI, docs/adr/0003); when
    daphne is missing the package is entered without that import.
    """
    try:
        from channels.testing import WebsocketCommunicator
    except ImportError:
        import sys
        import types
        from pathlib import Path

        import channels

        package = types.ModuleType("channels.testing")
        package.__path__ = [str(Path(channels.__file__).parent / "testing")]
        sys.modules["channels.testing"] = package
        from channels.testing.websocket import WebsocketCommunicator
    return WebsocketCommunicator


WebsocketCommunicator = _websocket_communicator()


class _As:
    """Put a user in the scope, as AuthMiddlewareStack does from the session cookie."""

    def __init__(self, app, user):
        self.app, self.user = app, user

    async def __call__(self, scope, receive, send):
        return await self.app({**scope, "user": self.user}, receive, send)


def _communicator(user, inspection, app=None, headers=None):
    application = app or _As(URLRouter(websocket_urlpatterns), user)
    return WebsocketCommunicator(application, f"/ws/inspections/{inspection.public_id}/",
                                 headers=headers or [])  # fmt: skip


async def _walk(world, inspection):
    inspector = _communicator(world.inspector1, inspection)
    connected, _ = await inspector.connect()
    assert connected
    welcome = await inspector.receive_json_from()
    assert welcome["type"] == "welcome" and welcome["role"] == "inspector"

    site = _communicator(world.applicant, inspection)
    assert (await site.connect())[0]
    site_peer = (await site.receive_json_from())["peer"]
    joined = await inspector.receive_json_from()
    assert joined == {"type": "join", "from": site_peer, "role": "site",
                      "name": str(world.applicant)}  # fmt: skip

    # the inspector offers to the newcomer; the site answers; candidates flow both ways
    await inspector.send_json_to(
        {"type": "offer", "to": site_peer, "data": {"type": "offer", "sdp": "v=0"}}
    )
    offer = await site.receive_json_from()
    assert (
        offer["type"] == "offer"
        and offer["from"] == welcome["peer"]
        and offer["data"]["sdp"] == "v=0"
    )
    await site.send_json_to(
        {"type": "answer", "to": welcome["peer"], "data": {"type": "answer", "sdp": "v=0"}}
    )
    assert (await inspector.receive_json_from())["type"] == "answer"

    # a second inspector joins; a message addressed to the site is not delivered to them
    other = _communicator(world.inspector1b, inspection)
    assert (await other.connect())[0]
    await other.receive_json_from()  # welcome
    await inspector.receive_json_from()  # join of the second inspector
    await site.receive_json_from()
    await inspector.send_json_to({"type": "ice", "to": site_peer, "data": {"candidate": "c"}})
    assert (await site.receive_json_from())["data"] == {"candidate": "c"}
    assert await other.receive_nothing(timeout=0.1)

    # unknown kinds are refused, pings answered
    await site.send_json_to({"type": "shell", "data": "rm"})
    assert (await site.receive_json_from())["code"] == "message_refused"
    await site.send_json_to({"type": "ping"})
    assert (await site.receive_json_from())["type"] == "pong"

    # an inspector of another department, a stranger and an anonymous visitor are refused
    for outsider in (world.inspector2, world.stranger, world.reviewer1, None):
        from django.contrib.auth.models import AnonymousUser

        communicator = _communicator(outsider or AnonymousUser(), inspection)
        connected, code = await communicator.connect()
        assert not connected and code == 4403
    await site.disconnect()
    assert (await inspector.receive_json_from())["type"] == "leave"
    await inspector.disconnect()
    await other.disconnect()


async def _asgi_refuses(inspection):
    from config.asgi import application

    foreign = _communicator(
        None, inspection, app=application, headers=[(b"origin", b"http://evil.example")]
    )
    connected, _ = await foreign.connect()
    assert not connected
    anonymous = _communicator(
        None, inspection, app=application, headers=[(b"origin", b"http://localhost")]
    )
    connected, code = await anonymous.connect()
    assert not connected


@pytest.mark.django_db(transaction=True)
def test_signalling_relays_between_participants_and_refuses_outsiders(settings, tmp_path):
    settings.KAIGONG_KEY_DIR = tmp_path
    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    with time_machine.travel(MONDAY, tick=False):
        world, _standard, _case, item = inspection_world()
        inspection = requested(world, item)
        inspection = inspection_slot_pick(actor=world.applicant, inspection=inspection,
                                          slot=inspection.slots.get().public_id)  # fmt: skip
    # asyncio's timeouts need a clock that moves: the calls run outside the time travel
    async_to_sync(_walk)(world, inspection)
    async_to_sync(_asgi_refuses)(inspection)
