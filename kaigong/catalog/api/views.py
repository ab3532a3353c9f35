"""
Catalogue endpoints: the public guide (matters, bundles) and, for catalogue keepers only,
export and import of the whole catalogue.
"""

from django.http import HttpResponse
from django.utils.translation import gettext_lazy as _

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.generics import ListAPIView
from rest_framework.parsers import JSONParser, MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from kaigong.catalog.permissions import ensure_can_keep_catalog
from kaigong.catalog.selectors import bundle_detail, bundle_list, matter_version_list_in_force
from kaigong.catalog.services import catalog_export, catalog_import
from kaigong.core.clock import local_date

from .serializers import (
    BundleDetailOutputSerializer,
    BundleOutputSerializer,
    CatalogImportFileInputSerializer,
    CatalogImportOutputSerializer,
    MatterOutputSerializer,
    ProblemSerializer,
)


class MatterListApi(ListAPIView):
    """
    The matters in force today with their guide: limits with units, fees, results and
    materials. Role: none (public). Errors: none.
    """

    permission_classes = [AllowAny]
    serializer_class = MatterOutputSerializer  # answered in pages (documented as such)

    @extend_schema(
        summary=_("Matters in force"),
        description=_("Role: none (public, read-only). Errors: none."),
        parameters=[
            OpenApiParameter("department", OpenApiTypes.STR, description=_("Department code.")),
            OpenApiParameter("stage", OpenApiTypes.STR, description=_("Stage code.")),
            OpenApiParameter("q", OpenApiTypes.STR, description=_("Text in the name or code.")),
        ],
        auth=[],
    )
    def get(self, request, *args, **kwargs):
        return self.list(request, *args, **kwargs)

    def get_queryset(self):
        return matter_version_list_in_force(
            on=local_date(),
            department_code=self.request.query_params.get("department", "").strip(),
            stage_code=self.request.query_params.get("stage", "").strip(),
            q=self.request.query_params.get("q", "").strip()[:100],
        )


class BundleListApi(ListAPIView):
    """The active bundles (一件事, 主题, 联合评审, 多证联发). Role: none (public). Errors: none."""

    permission_classes = [AllowAny]
    serializer_class = BundleOutputSerializer  # answered in pages (documented as such)

    @extend_schema(
        summary=_("Bundles"),
        description=_("Role: none (public, read-only). Errors: none."),
        auth=[],
    )
    def get(self, request, *args, **kwargs):
        return self.list(request, *args, **kwargs)

    def get_queryset(self):
        return bundle_list(active_only=True)


class BundleDetailApi(APIView):
    """
    One bundle with the version in force today of each item, the materials before and after
    merging (computed), and its issuance rules. Role: none (public).
    Errors: ``bundle_not_found`` (404).
    """

    permission_classes = [AllowAny]

    @extend_schema(
        summary=_("Bundle guide"),
        description=_("Role: none (public, read-only). Errors: bundle_not_found (404)."),
        responses={200: BundleDetailOutputSerializer, 404: ProblemSerializer},
        auth=[],
    )
    def get(self, request, code: str):
        bundle = bundle_detail(code, on=local_date())
        return Response(BundleDetailOutputSerializer(bundle, context={"request": request}).data)


class CatalogExportApi(APIView):
    """
    The whole catalogue as one ``kaigong-catalog/1`` JSON file. Role: catalogue keeper.
    Errors: ``not_authenticated`` (401), ``catalog_keeper_only`` (403).
    """

    @extend_schema(
        summary=_("Export the catalogue"),
        description=_(
            "Role: catalogue keeper. Errors: not_authenticated (401), catalog_keeper_only (403)."
        ),
        responses={
            (200, "application/json"): OpenApiResponse(OpenApiTypes.OBJECT),
            401: ProblemSerializer,
            403: ProblemSerializer,
        },
    )
    def get(self, request):
        ensure_can_keep_catalog(request.user)
        response = HttpResponse(catalog_export(), content_type="application/json; charset=utf-8")
        filename = f"kaigong-catalog-{local_date().isoformat()}.json"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response


class CatalogImportApi(APIView):
    """
    Import a whole catalogue file (the JSON body, or an uploaded ``file``), all or nothing.
    Role: catalogue keeper. Errors: ``catalog_invalid`` (400, every error listed with its
    JSON path), ``catalog_not_empty`` (409), ``not_authenticated`` (401),
    ``catalog_keeper_only`` (403).
    """

    parser_classes = [JSONParser, MultiPartParser]

    @extend_schema(
        summary=_("Import a catalogue"),
        description=_(
            "Role: catalogue keeper. Errors: catalog_invalid (400, every error listed), "
            "catalog_not_empty (409), not_authenticated (401), catalog_keeper_only (403)."
        ),
        request={
            "application/json": OpenApiTypes.OBJECT,
            "multipart/form-data": CatalogImportFileInputSerializer,
        },
        responses={
            200: CatalogImportOutputSerializer,
            400: ProblemSerializer,
            401: ProblemSerializer,
            403: ProblemSerializer,
            409: ProblemSerializer,
        },
    )
    def post(self, request):
        ensure_can_keep_catalog(request.user)
        if request.content_type.startswith("multipart/"):
            upload = CatalogImportFileInputSerializer(data=request.data)
            upload.is_valid(raise_exception=True)
            raw = upload.validated_data["file"].read()
        else:
            raw = request.body
        result = catalog_import(data=raw, actor=request.user)
        return Response(CatalogImportOutputSerializer(result).data)
