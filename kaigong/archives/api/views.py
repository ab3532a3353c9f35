"""
Archives API: a project's archive index and its export package.

Roles: the archive follows the visibility of the project and its cases
(``archives.selectors.archive_project_list_visible_to``): supervisors; window clerks of the
project's jurisdiction; staff of departments that review the project or received its
documents; the project's enterprise and its assigned helper. Others 404.
"""

from __future__ import annotations

from django.http import HttpResponse

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response

from kaigong.archives.models import ArchiveFolder
from kaigong.archives.package import package_build
from kaigong.archives.selectors import archive_folder_get_for

from .serializers import ArchiveFolderOutputSerializer


class ArchiveProjectApi(GenericAPIView):
    """The project's archive folder: every document with its kind, origin and hashes.
    Errors: ``not_found`` (404)."""

    serializer_class = ArchiveFolderOutputSerializer
    queryset = ArchiveFolder.objects.none()

    @extend_schema(summary="Read a project's archive index", operation_id="archive_project")
    def get(self, request, public_id):
        folder = archive_folder_get_for(request.user, public_id)
        return Response(ArchiveFolderOutputSerializer(folder).data)


class ArchivePackageApi(GenericAPIView):
    """The export package (zip: files + manifest.json with SM3 per file); check it with
    ``manage.py archive_package_verify``. Errors: ``not_found`` (404)."""

    queryset = ArchiveFolder.objects.none()

    @extend_schema(
        summary="Download a project's archive package",
        operation_id="archive_package",
        responses={(200, "application/zip"): OpenApiTypes.BINARY},
    )
    def get(self, request, public_id):
        folder = archive_folder_get_for(request.user, public_id)
        response = HttpResponse(package_build(folder), content_type="application/zip")
        response["Content-Disposition"] = f'attachment; filename="archive-{public_id}.zip"'
        return response
