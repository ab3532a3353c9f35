"""
Cases API (DESIGN.md §6): drafts, the merged form, materials, submission and the window's
decisions, each a command that calls exactly one service of ``kaigong.cases``. The status
is never written through PUT/PATCH.

Roles: applicant of the case's enterprise or the helper assigned to its project (draft,
submit, resubmit, withdraw, materials); window clerk of the case's service centre (accept,
refuse, request correction); everyone who may see a case reads it (``case_get_for``).
"""

from __future__ import annotations

import re

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.settings import api_settings

from kaigong.cases.applicable import case_form_schema, case_material_needs
from kaigong.cases.filetypes import TYPE_EXTENSIONS
from kaigong.cases.hashing import request_fingerprint
from kaigong.cases.holds import case_certificate_holds
from kaigong.cases.models import Case
from kaigong.cases.selectors import (
    case_actions_for,
    case_event_list,
    case_get_for,
    case_item_progress,
    case_list_visible_to,
    case_material_get_for,
    case_material_history_for,
    case_queue,
    window_for_acceptance,
)
from kaigong.cases.services.acceptance import case_accept
from kaigong.cases.services.drafting import case_create_draft, case_form_data_set
from kaigong.cases.services.intake import (
    case_refuse,
    case_request_correction,
    case_resubmit,
    case_submit,
    case_withdraw,
)
from kaigong.cases.services.material_access import material_open
from kaigong.cases.services.materials import (
    case_material_attach_certificate,
    case_material_upload,
)
from kaigong.core.api.input import validated
from kaigong.projects.selectors import project_get_for

from .files import FileContentNegotiation, material_file_response
from .schema import IDEMPOTENCY_KEY, IF_MATCH, responses
from .serializers import (
    CaseAcceptInputSerializer,
    CaseCorrectionInputSerializer,
    CaseCreateInputSerializer,
    CaseDetailOutputSerializer,
    CaseEventOutputSerializer,
    CaseFormDataInputSerializer,
    CaseFormOutputSerializer,
    CaseOutputSerializer,
    CaseRefuseInputSerializer,
    CaseWithdrawInputSerializer,
    CorrectionOutputSerializer,
    MaterialFileOutputSerializer,
    MaterialUploadInputSerializer,
    SubmittedMaterialOutputSerializer,
)

# The project's JSON parser (REST_FRAMEWORK's defaults, kaigong/api/parsers.py), alone.
JSON_ONLY = [p for p in api_settings.DEFAULT_PARSER_CLASSES if p.media_type == "application/json"]
_ETAG = re.compile(r'^(?:W/)?"v(\d{1,10})"$')


def case_etag(case: Case) -> str:
    """The entity tag of a case's version (the case and its form share it)."""
    return f'"v{case.version}"'


def _with_etag(response: Response, case: Case) -> Response:
    response["ETag"] = case_etag(case)
    return response


def if_match_versions(request) -> list[int] | None:
    """
    The versions an ``If-Match`` header names (None: no header, or ``*``). A tag that is
    not one of ours names no version, so it never matches (412).
    """
    header = request.headers.get("If-Match")
    if header is None or header.strip() == "*":
        return None
    versions = []
    for tag in header.split(","):
        match = _ETAG.match(tag.strip())
        if match:
            versions.append(int(match.group(1)))
    return versions


def _idempotency(request) -> tuple[str, str]:
    """(key, fingerprint of the body) for services that honour ``Idempotency-Key``."""
    body = request.data if isinstance(request.data, dict) else {}
    return request.headers.get("Idempotency-Key", ""), request_fingerprint(dict(body))


def case_detail(case: Case) -> dict:
    """The case with its form data, the actions its status allows and its items' progress."""
    return {
        **CaseOutputSerializer(case).data,
        "form_data": case.form_data or {},
        "actions": case_actions_for(case),
        "items": case_item_progress(case),
        "certificates_held": case_certificate_holds(case),
    }


class CaseViewSet(viewsets.GenericViewSet):
    """Bundled applications (一件事). Writes are the command actions, never PUT/PATCH."""

    queryset = Case.objects.none()  # for the schema only; reads go through the selectors
    serializer_class = CaseOutputSerializer
    lookup_field = "public_id"
    lookup_url_kwarg = "public_id"

    def get_queryset(self):
        return case_list_visible_to(self.request.user).prefetch_related("matters")

    def _case(self) -> Case:
        return case_get_for(self.request.user, self.kwargs["public_id"])

    @extend_schema(
        summary="List the cases you may see", responses=responses(CaseOutputSerializer(many=True))
    )
    def list(self, request):
        """Cases visible to you, newest first. Role: any signed-in user (scoped by role)."""
        page = self.paginate_queryset(self.get_queryset().order_by("-created_at", "-id"))
        return self.get_paginated_response(CaseOutputSerializer(page, many=True).data)

    @extend_schema(
        summary="The window's queue in arrival order",
        responses=responses(CaseOutputSerializer(many=True)),
    )
    @action(detail=False, methods=["get"])
    def queue(self, request):
        """
        Submitted cases of your service centre in arrival order (收件顺序).
        Role: window clerk (others get an empty list or only what they may see).
        """
        page = self.paginate_queryset(case_queue(request.user).prefetch_related("matters"))
        return self.get_paginated_response(CaseOutputSerializer(page, many=True).data)

    @extend_schema(
        summary="Open a draft application",
        request=CaseCreateInputSerializer,
        parameters=[IDEMPOTENCY_KEY],
        responses=responses(CaseDetailOutputSerializer, 400, 403, 404, 409, status=201),
    )
    def create(self, request):
        """
        Open a draft of the project's bundle with the chosen optional matters.

        Role: applicant of the project's enterprise, or its assigned helper.
        Errors: ``matter_not_in_bundle``, ``matter_not_in_force``, ``no_matters``,
        ``invalid_input`` (400); ``permission_denied`` (403); ``project_not_found``,
        ``bundle_not_found`` (404); ``idempotency_key_reused`` (409).
        """
        data = validated(CaseCreateInputSerializer, request.data)
        key, fingerprint = _idempotency(request)
        case = case_create_draft(
            actor=request.user,
            project=project_get_for(request.user, data["project"]),
            bundle_code=data["bundle"],
            matter_codes=data["matters"],
            idempotency_key=key,
            fingerprint=fingerprint,
        )
        return Response(case_detail(case), status=status.HTTP_201_CREATED)

    @extend_schema(summary="Read a case", responses=responses(CaseDetailOutputSerializer, 404))
    def retrieve(self, request, public_id=None):
        """One case with its items' progress. Role: whoever may see it. Errors: ``case_not_found`` (404)."""
        case = self._case()
        return _with_etag(Response(case_detail(case)), case)

    @extend_schema(summary="The merged form", responses=responses(CaseFormOutputSerializer, 404))
    @action(detail=True, methods=["get"])
    def form(self, request, public_id=None):
        """
        The one merged form as a JSON Schema (one property per field key, strictest
        constraints), the values saved so far and the merged material list.
        Role: whoever may see the case. Errors: ``case_not_found`` (404).
        """
        case = self._case()
        needs = [
            {
                "code": n.code,
                "name": n.name,
                "required": n.required,
                "deferrable": n.deferrable,
                "commitment_replaces": n.commitment_replaces,
                "satisfied_by": sorted(n.satisfied_by),
                "formats": n.formats,
                "max_size_mb": n.max_size_mb,
                "matters": n.matters,
            }
            for n in case_material_needs(case)
        ]
        body = {
            "version": case.version,
            "schema": case_form_schema(case),
            "data": case.form_data or {},
            "materials": needs,
        }
        return _with_etag(Response(body), case)

    @extend_schema(
        summary="Save the form data",
        request={"application/json": CaseFormDataInputSerializer},
        parameters=[IF_MATCH],
        responses=responses(CaseDetailOutputSerializer, 400, 403, 404, 409, 412, 415),
    )
    @action(detail=True, methods=["put"], url_path="form-data", parser_classes=JSON_ONLY)
    def form_data(self, request, public_id=None):
        """
        Replace the form data of a draft (or a case under correction); validated against
        the merged schema, every problem listed, nothing saved on error. JSON only.
        Send the version you edited: ``If-Match`` with the ETag of GET …/form/ (or of the
        case), or the ``version`` field; a stale one saves nothing.
        Role: applicant or assigned helper. Errors: ``form_invalid`` (400);
        ``permission_denied`` (403); ``case_not_found`` (404); ``transition_not_allowed``,
        ``stale_version`` (409); ``precondition_failed`` (412); ``unsupported_media_type``
        (415).
        """
        data = validated(CaseFormDataInputSerializer, request.data)
        case = case_form_data_set(
            case=self._case(),
            actor=request.user,
            data=data["data"],
            if_match=if_match_versions(request),
            version=data.get("version"),
        )
        return _with_etag(Response(case_detail(case)), case)

    @extend_schema(
        summary="Hand in a material",
        request={"multipart/form-data": MaterialUploadInputSerializer},
        responses=responses(SubmittedMaterialOutputSerializer, 400, 403, 404, 409, status=201),
    )
    # pagination_class=None: its GET (materials_list) answers a plain list, and is documented so
    @action(detail=True, methods=["post"], pagination_class=None)  # parsers: the defaults
    def materials(self, request, public_id=None):
        """
        Upload a file for one material of the merged list, or name a certificate the
        enterprise already holds (免提交). After acceptance only 容缺-deferred materials.
        Role: applicant or assigned helper. Errors: ``material_not_requested``,
        ``file_empty``, ``file_too_large``, ``file_type_not_allowed``,
        ``certificate_does_not_satisfy``, ``certificate_not_held``, ``invalid_input``
        (400); ``permission_denied`` (403); ``case_not_found`` (404);
        ``transition_not_allowed``, ``stale_version`` (409).
        """
        data = validated(MaterialUploadInputSerializer, request.data)
        case = self._case()
        if data.get("file") is not None:
            row = case_material_upload(
                case=case, actor=request.user, material_code=data["material"], file=data["file"]
            )
        else:
            row = case_material_attach_certificate(
                case=case,
                actor=request.user,
                material_code=data["material"],
                certificate_type_code=data["certificate_type"],
                certificate_identifier=data.get("certificate_identifier", ""),
            )
        return Response(SubmittedMaterialOutputSerializer(row).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="List the case's materials you may open",
        responses=responses(MaterialFileOutputSerializer(many=True), 404),
    )
    @materials.mapping.get
    def materials_list(self, request, public_id=None):
        """
        The submitted materials of the case (current and superseded, by material) that
        you may open, each with its state, detected type, size, SHA-256 and SM3 digests
        and the link to its file. Role: the applicant's side, the clerk of the case's
        centre, the supervisor; department staff see the materials their items need.
        Errors: ``case_not_found`` (404).
        """
        rows = case_material_history_for(request.user, self._case())
        return Response(
            MaterialFileOutputSerializer(rows, many=True, context={"request": request}).data
        )

    @extend_schema(
        summary="Open one submitted file",
        parameters=[
            OpenApiParameter("material_id", OpenApiTypes.UUID, OpenApiParameter.PATH),
            OpenApiParameter(
                "download",
                OpenApiTypes.BOOL,
                description="Ask for a download even for a PDF or an image.",
            ),
        ],
        responses={
            # each type a stored file can have (the one detected from its content)
            **{
                (200, content_type): OpenApiResponse(
                    OpenApiTypes.BINARY,
                    description=(
                        "The file: PDF and images inline, other formats as an attachment; "
                        "the type is the one detected from the content."
                    ),
                )
                for content_type in TYPE_EXTENSIONS
            },
            **{k: v for k, v in responses(None, 404).items() if k != 200},
        },
    )
    @action(
        detail=True,
        methods=["get"],
        url_path=r"materials/(?P<material_id>[^/.]+)/file",
        url_name="material-file",
        content_negotiation_class=FileContentNegotiation,
    )
    def material_file(self, request, public_id=None, material_id=None):
        """
        The stored file of one submitted material, each access recorded in the audit
        log (who, which file, when). Role: as for the list. Errors: ``case_not_found``,
        ``material_not_found`` (404, also when the material is not yours to see).
        """
        material = case_material_get_for(request.user, self._case(), material_id)
        download = request.query_params.get("download") in ("1", "true")
        opened = material_open(
            material=material, actor=request.user, download=download, channel="api"
        )
        return material_file_response(opened)

    @extend_schema(
        summary="Submit the application",
        request=OpenApiTypes.OBJECT,
        parameters=[IDEMPOTENCY_KEY],
        responses=responses(CaseDetailOutputSerializer, 400, 403, 404, 409),
    )
    @action(detail=True, methods=["post"])
    def submit(self, request, public_id=None):
        """
        Hand the draft in at the window: numbered, queued in arrival order, the
        5-working-day correction-notice clock starts. Any JSON body is accepted; it is
        only fingerprinted for ``Idempotency-Key`` replays.
        Role: applicant or assigned helper. Errors: ``form_invalid``,
        ``idempotency_key_invalid`` (400); ``permission_denied`` (403); ``case_not_found``
        (404); ``transition_not_allowed``, ``stale_version``, ``idempotency_key_reused`` (409).
        """
        key, fingerprint = _idempotency(request)
        case = case_submit(
            case=self._case(), actor=request.user, idempotency_key=key, fingerprint=fingerprint
        )
        return Response(case_detail(case))

    @extend_schema(
        summary="Accept at the window (受理)",
        request=CaseAcceptInputSerializer,
        responses=responses(CaseDetailOutputSerializer, 400, 403, 404, 409),
    )
    @action(detail=True, methods=["post"])
    def accept(self, request, public_id=None):
        """
        Accept: every item is created at once with its due dates and parallel review
        starts. ``deferral`` accepts with deferred materials on a signed commitment
        (容缺受理); ``undertaking`` lets a commitment replace proofs (告知承诺).
        Role: window clerk of the case's service centre. Errors: ``form_invalid``,
        ``material_not_deferrable``, ``commitment_not_allowed``, ``commitment_invalid``,
        ``commitment_due_too_late``, ``window_invalid`` (400); ``permission_denied`` (403);
        ``case_not_found`` (404); ``materials_incomplete``, ``credit_standing_insufficient``,
        ``matter_not_in_force``, ``transition_not_allowed``, ``stale_version`` (409).
        ``window`` records the accepting window (a window of the case's centre).
        """
        data = validated(CaseAcceptInputSerializer, request.data)
        case = self._case()
        window = window_for_acceptance(data["window"]) if data.get("window") else None
        case = case_accept(
            case=case,
            actor=request.user,
            deferral=data.get("deferral"),
            undertaking=data.get("undertaking"),
            window=window,
        )
        return Response(case_detail(case))

    @extend_schema(
        summary="Refuse at the window (不予受理)",
        request=CaseRefuseInputSerializer,
        responses=responses(CaseDetailOutputSerializer, 400, 403, 404, 409),
    )
    @action(detail=True, methods=["post"])
    def refuse(self, request, public_id=None):
        """
        Refuse with reason, legal basis and the applicant's rights (a standard text when
        none is given). Role: window clerk of the case's service centre. Errors:
        ``reason_required``, ``legal_basis_required`` (400); ``permission_denied`` (403);
        ``case_not_found`` (404); ``transition_not_allowed``, ``stale_version`` (409).
        """
        data = validated(CaseRefuseInputSerializer, request.data)
        case = case_refuse(
            case=self._case(),
            actor=request.user,
            reason=data["reason"],
            legal_basis=data["legal_basis"],
            applicant_rights=data.get("applicant_rights", ""),
        )
        return Response(case_detail(case))

    @extend_schema(
        summary="Send the one-time correction notice (一次性告知)",
        request=CaseCorrectionInputSerializer,
        responses=responses(CorrectionOutputSerializer, 400, 403, 404, 409),
    )
    @action(detail=True, methods=["post"], url_path="request-correction")
    def request_correction(self, request, public_id=None):
        """
        List everything missing or defective at once. Role: window clerk of the case's
        service centre. Errors: ``correction_empty``, ``invalid_input`` (400);
        ``permission_denied`` (403); ``case_not_found`` (404);
        ``correction_notice_overdue``, ``transition_not_allowed``, ``stale_version`` (409).
        """
        data = validated(CaseCorrectionInputSerializer, request.data)
        correction = case_request_correction(
            case=self._case(), actor=request.user, items=data["items"], note=data["note"]
        )
        return Response(CorrectionOutputSerializer(correction).data)

    @extend_schema(
        summary="Resubmit after correction",
        request=None,
        responses=responses(CaseDetailOutputSerializer, 400, 403, 404, 409),
    )
    @action(detail=True, methods=["post"])
    def resubmit(self, request, public_id=None):
        """
        Answer the correction notice; the case returns to the queue. Role: applicant or
        assigned helper. Errors: ``form_invalid`` (400); ``permission_denied`` (403);
        ``case_not_found`` (404); ``transition_not_allowed``, ``stale_version`` (409).
        """
        return Response(case_detail(case_resubmit(case=self._case(), actor=request.user)))

    @extend_schema(
        summary="Withdraw the application",
        request=CaseWithdrawInputSerializer,
        responses=responses(CaseDetailOutputSerializer, 400, 403, 404, 409),
    )
    @action(detail=True, methods=["post"])
    def withdraw(self, request, public_id=None):
        """
        Withdraw (draft, queued, under correction or accepted; open items are withdrawn
        too). Role: applicant or assigned helper. Errors: ``invalid_input`` (400);
        ``permission_denied`` (403); ``case_not_found`` (404); ``transition_not_allowed``,
        ``stale_version`` (409).
        """
        data = validated(CaseWithdrawInputSerializer, request.data)
        case = case_withdraw(case=self._case(), actor=request.user, reason=data["reason"])
        return Response(case_detail(case))

    @extend_schema(
        summary="The case's history",
        responses=responses(CaseEventOutputSerializer(many=True), 404),
    )
    @action(detail=True, methods=["get"])
    def events(self, request, public_id=None):
        """
        The append-only, SM3-chained history in order. Role: whoever may see the case.
        Errors: ``case_not_found`` (404).
        """
        page = self.paginate_queryset(case_event_list(self._case()))
        return self.get_paginated_response(CaseEventOutputSerializer(page, many=True).data)
