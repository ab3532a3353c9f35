"""
WebRTC signalling for the video inspection, over a WebSocket (Django Channels).

One group per inspection. A browser joins, gets a peer id and the ICE servers; the peers
already in the room offer to the newcomer (a small mesh: two inspectors and the person
on site). Only SDP offers/answers, ICE candidates and a few control messages are relayed,
to one peer (``to``) or to all; the media flow browser to browser (or through TURN).

Who may join: the inspection's inspectors and its person on site, while it is scheduled
or in progress (kaigong/inspections/permissions.py). Anyone else is refused before the
handshake completes (close code 4403).
"""

from __future__ import annotations

import json
import secrets
from typing import Any

from django.conf import settings

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer

from .constants import InspectionStatus
from .models import Inspection
from .permissions import is_inspector_of, is_site_person_of
from .services import as_uuid

RELAYED = {"offer", "answer", "ice", "hangup", "checklist", "media"}
MAX_MESSAGE_BYTES = 64 * 1024


def call_participant(user: Any, public_id: Any) -> tuple[Inspection, str, str] | None:
    """(inspection, role, display name) when ``user`` may join the call, else None."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    key = as_uuid(public_id)
    inspection = Inspection.objects.filter(public_id=key).first() if key else None
    if inspection is None or inspection.status not in (
        InspectionStatus.SCHEDULED,
        InspectionStatus.IN_PROGRESS,
    ):
        return None
    name = user.full_name or user.username
    if is_inspector_of(user, inspection):
        return inspection, "inspector", name
    if is_site_person_of(user, inspection):
        return inspection, "site", name
    return None


def ice_servers() -> list[dict]:
    return list(getattr(settings, "KAIGONG_ICE_SERVERS", []) or [])


class InspectionSignalling(AsyncJsonWebsocketConsumer):
    async def connect(self) -> None:
        public_id = self.scope["url_route"]["kwargs"]["public_id"]
        found = await database_sync_to_async(call_participant)(self.scope.get("user"), public_id)
        if found is None:
            await self.close(code=4403)
            return
        inspection, self.role, self.name = found
        self.group = f"inspection.{inspection.public_id.hex}"
        self.peer = secrets.token_hex(8)
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()
        await self.send_json(
            {"type": "welcome", "peer": self.peer, "role": self.role, "iceServers": ice_servers()}
        )
        await self._broadcast({"type": "join", "from": self.peer, "role": self.role,
                               "name": self.name})  # fmt: skip

    async def disconnect(self, code: int) -> None:
        if getattr(self, "group", None):
            await self._broadcast({"type": "leave", "from": self.peer})
            await self.channel_layer.group_discard(self.group, self.channel_name)

    async def receive(self, text_data=None, bytes_data=None, **kwargs) -> None:
        if bytes_data is not None or text_data is None or len(text_data) > MAX_MESSAGE_BYTES:
            await self.send_json({"type": "error", "code": "message_refused"})
            return
        try:
            content = json.loads(text_data)
        except ValueError:
            await self.send_json({"type": "error", "code": "message_refused"})
            return
        await self.receive_json(content)

    async def receive_json(self, content: Any, **kwargs) -> None:
        kind = content.get("type") if isinstance(content, dict) else None
        if kind == "ping":
            await self.send_json({"type": "pong"})
            return
        if kind not in RELAYED:
            await self.send_json({"type": "error", "code": "message_refused"})
            return
        to = content.get("to")
        await self._broadcast(
            {"type": kind, "from": self.peer, "role": self.role,
             "to": to if isinstance(to, str) else None, "data": content.get("data")}
        )  # fmt: skip

    async def _broadcast(self, message: dict) -> None:
        await self.channel_layer.group_send(
            self.group, {"type": "signal.relay", "message": message, "sender": self.channel_name}
        )

    async def signal_relay(self, event: dict) -> None:
        if event["sender"] == self.channel_name:
            return
        message = event["message"]
        if message.get("to") and message["to"] != self.peer:
            return
        await self.send_json(message)
