"""
What an ``OPTIONS`` request answers: the operation's name, description and media types.

DRF's default also describes the writable fields of each action, and for that it reads the
object (``get_object``) with the view's permissions, which a command view behind a service
does not have: an ``OPTIONS`` to such a URL answered 500 (found by the schema fuzzing). The
schema (``/api/v1/schema/``) is where the fields are described.
"""

from __future__ import annotations

from rest_framework.metadata import SimpleMetadata


class OperationMetadata(SimpleMetadata):
    def determine_metadata(self, request, view):
        return {
            "name": view.get_view_name(),
            "description": view.get_view_description(),
            "renders": [renderer.media_type for renderer in view.renderer_classes],
            "parses": [parser.media_type for parser in view.parser_classes],
        }
