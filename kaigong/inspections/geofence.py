"""The red-line fence lives with the project (kaigong/projects/geofence.py)."""

from kaigong.projects.geofence import point_in_polygon, polygon_parse

__all__ = ["point_in_polygon", "polygon_parse"]
