"""
The project's site fence: the red-line polygon (工程项目红线) when the project has one, else
its point and radius (used by every site inspection of the project). Pure Python: shapely is not pinned in the project and one point-in-polygon
test per location sample (every 10 s) does not need it, so the test is a hand-written ray
casting (even-odd rule) on latitude/longitude, which is exact enough for a site's few
hundred metres (the plane approximation errs far less than a phone's GPS).
"""

from __future__ import annotations

import math
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext_lazy as _

from kaigong.core.exceptions import InvalidInput

RED_LINE_CODE = "red_line"

MAX_VERTICES = 500


def point_in_polygon(lat: float, lon: float, polygon: list[list[float]]) -> bool:
    """Ray casting: count the edges a ray to the east crosses; odd = inside."""
    inside = False
    n = len(polygon)
    for i in range(n):
        lat_i, lon_i = polygon[i]
        lat_j, lon_j = polygon[i - 1]
        if (lat_i > lat) != (lat_j > lat):
            crossing = lon_i + (lat - lat_i) * (lon_j - lon_i) / (lat_j - lat_i)
            if lon < crossing:
                inside = not inside
    return inside


def polygon_parse(value: Any) -> list[list[float]]:
    """
    A red line as [[lat, lon], …] (or text, one ``lat,lon`` a line): three to 500 vertices
    in range; empty → no polygon. Anything else is ``red_line`` (400).
    """
    if value in (None, "", []):
        return []
    if isinstance(value, str):
        value = [line.replace("，", ",").split(",") for line in value.splitlines() if line.strip()]
    try:
        points = [[float(Decimal(str(p[0]).strip())), float(Decimal(str(p[1]).strip()))]
                  for p in value if len(p) == 2]  # fmt: skip
        ok = (
            len(points) == len(value)
            and 3 <= len(points) <= MAX_VERTICES
            and all(
                -90 <= lat <= 90 and -180 <= lon <= 180 and math.isfinite(lat + lon)
                for lat, lon in points
            )
        )
    except (TypeError, ValueError, InvalidOperation, IndexError):
        ok = False
    if not ok:
        raise InvalidInput(
            _("The red line needs 3 to 500 vertices, each “latitude,longitude”."),
            code=RED_LINE_CODE,
            invalid_params=[{"name": "red_line", "code": RED_LINE_CODE, "reason": ""}],
        )
    return [[round(lat, 6), round(lon, 6)] for lat, lon in points]
