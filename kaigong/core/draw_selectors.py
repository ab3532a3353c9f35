"""Reading draws: the public record with its re-computation."""

from __future__ import annotations

import dataclasses
from typing import Any

from django.utils.translation import gettext_lazy as _

from .draw_services import draw_record
from .draws import draw_verify
from .exceptions import NotFound
from .models import Draw


def draw_public_get(public_id: Any) -> dict[str, Any]:
    """The published record, and (once revealed) the re-run of it; 404 when unknown."""
    draw = Draw.objects.filter(public_id=public_id).first()
    if draw is None:
        raise NotFound(_("No such draw."), code="draw_not_found")
    record = draw_record(draw)
    if draw.is_revealed:
        check = draw_verify(record)
        record["verification"] = {**dataclasses.asdict(check), "ok": check.ok}
    else:
        record["verification"] = None
    return record
