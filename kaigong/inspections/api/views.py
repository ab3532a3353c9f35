"""
Inspections (云踏勘) and joint reviews (联合评审) API. Thin: parse, call one service or
selector, answer. Scoping: kaigong/inspections/selectors.py (others 404); roles:
kaigong/inspections/permissions.py (403).
"""

from __future__ import annotations

from typing import Any

from django.http import FileResponse

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer

from kaigong.cases.api.schema import responses
from kaigong.cases.selectors import case_get_for, item_get_for
from kaigong.catalog.models import MatterVersion
from kaigong.core.api.input import validated
from kaigong.core.exceptions import NotFound, PermissionDenied
from kaigong.inspections import joint_services as js
from kaigong.inspections import services as s
from kaigong.inspections.models import Expert, Inspection, InspectionStandard, JointReview
from kaigong.inspections.selectors import (
    expert_list,
    inspection_get_for,
    inspection_list_visible_to,
    joint_review_get_for,
    joint_review_list_visible_to,
    record_get_for,
    standard_get_for,
    standard_list_for,
)

from . import serializers as z


def _pdf(file, name: str) -> FileResponse:
    return FileResponse(file.open("rb"), content_type="application/pdf", as_attachment=True,
                        filename=name)  # fmt: skip


PDF_RESPONSES = {
    (200, "application/pdf"): OpenApiTypes.BINARY,
    **{code: r for code, r in responses(None, 404).items() if code != 200},
}


# -- standards -----------------------------------------------------------------------


class StandardListApi(GenericAPIView):
    """Inspection standards (勘验标准): published ones for everyone signed in, drafts too for
    the catalogue keeper, who creates them. Errors: ``permission_denied`` (403),
    ``inspection_standard_not_found`` (404, unknown matter version)."""

    queryset = InspectionStandard.objects.none()
    serializer_class = z.StandardSerializer

    @extend_schema(summary="List inspection standards", operation_id="inspection_standards",
                   responses=responses(z.StandardSerializer(many=True)))  # fmt: skip
    def get(self, request):
        page = self.paginate_queryset(standard_list_for(request.user).prefetch_related("items"))
        return self.get_paginated_response(z.StandardSerializer(page, many=True).data)

    @extend_schema(summary="Create a draft standard version", operation_id="inspection_standard_create",
                   request=z.StandardInputSerializer,
                   responses=responses(z.StandardSerializer, 400, 403, 404, status=201))  # fmt: skip
    def post(self, request):
        data = validated(z.StandardInputSerializer, request.data)
        version = MatterVersion.objects.filter(public_id=data["matter_version"]).first()
        if version is None:
            raise NotFound(code="inspection_standard_not_found")
        standard = s.standard_create(actor=request.user, matter_version=version,
                                     title=data["title"], preparation=data["preparation"])  # fmt: skip
        return Response(z.StandardSerializer(standard).data, status=status.HTTP_201_CREATED)


class StandardDetailApi(GenericAPIView):
    """One standard with its checklist and samples. Errors: ``inspection_standard_not_found``."""

    queryset = InspectionStandard.objects.none()
    serializer_class = z.StandardSerializer

    @extend_schema(summary="Read an inspection standard", operation_id="inspection_standard",
                   responses=responses(z.StandardSerializer, 404))  # fmt: skip
    def get(self, request, public_id):
        return Response(z.StandardSerializer(standard_get_for(request.user, public_id)).data)


class StandardItemApi(GenericAPIView):
    """Add a checklist item to a draft. Role: catalogue keeper. Errors: ``permission_denied``
    (403), ``inspection_standard_not_found`` (404), ``inspection_standard_published`` (409)."""

    queryset = InspectionStandard.objects.none()
    serializer_class = z.ChecklistItemSerializer

    @extend_schema(summary="Add a checklist item", operation_id="inspection_standard_item_add",
                   request=z.ChecklistItemInputSerializer,
                   responses=responses(z.ChecklistItemSerializer, 400, 403, 404, 409, status=201))  # fmt: skip
    def post(self, request, public_id):
        data = validated(z.ChecklistItemInputSerializer, request.data)
        item = s.checklist_item_add(actor=request.user,
                                    standard=standard_get_for(request.user, public_id), **data)  # fmt: skip
        return Response(z.ChecklistItemSerializer(item).data, status=status.HTTP_201_CREATED)


class StandardSampleApi(GenericAPIView):
    """Attach a sample picture (PNG/JPEG/WebP, ≤ 8 MB) to a checklist item of a draft.
    Role: catalogue keeper. Errors: ``inspection_bad_file`` (400), ``permission_denied``
    (403), ``inspection_standard_not_found`` / ``inspection_bad_checklist_item`` (404),
    ``inspection_standard_published`` (409)."""

    queryset = InspectionStandard.objects.none()
    serializer_class = z.SampleSerializer

    @extend_schema(summary="Add a sample image", operation_id="inspection_standard_sample_add",
                   request={"multipart/form-data": z.SampleInputSerializer},
                   responses=responses(z.SampleSerializer, 400, 403, 404, 409, status=201))  # fmt: skip
    def post(self, request, public_id, item_id):
        data = validated(z.SampleInputSerializer, request.data)
        standard = standard_get_for(request.user, public_id)
        item = standard.items.filter(public_id=item_id).first()
        if item is None:
            raise NotFound(code="inspection_bad_checklist_item")
        sample = s.sample_add(actor=request.user, item=item, **data)
        return Response(z.SampleSerializer(sample).data, status=status.HTTP_201_CREATED)


class StandardPublishApi(GenericAPIView):
    """Publish a draft (it no longer changes). Role: catalogue keeper. Errors:
    ``inspection_standard_empty`` (400), ``permission_denied`` (403), ``…_not_found`` (404),
    ``inspection_standard_published`` (409)."""

    queryset = InspectionStandard.objects.none()
    serializer_class = z.StandardSerializer

    @extend_schema(summary="Publish a standard", operation_id="inspection_standard_publish",
                   request=None, responses=responses(z.StandardSerializer, 400, 403, 404, 409))  # fmt: skip
    def post(self, request, public_id):
        standard = s.standard_publish(actor=request.user,
                                      standard=standard_get_for(request.user, public_id))  # fmt: skip
        return Response(z.StandardSerializer(standard).data)


# -- inspections ---------------------------------------------------------------------


class InspectionListApi(GenericAPIView):
    """Inspections you may see (of the items you see, or where you inspect); a reviewer
    requests one. Errors: see ``inspection_request``."""

    queryset = Inspection.objects.none()
    serializer_class = z.InspectionSerializer

    @extend_schema(summary="List inspections", operation_id="inspections",
                   responses=responses(z.InspectionSerializer(many=True)))  # fmt: skip
    def get(self, request):
        qs = inspection_list_visible_to(request.user).prefetch_related("slots", "inspectors")
        page = self.paginate_queryset(qs)
        return self.get_paginated_response(z.InspectionSerializer(page, many=True).data)

    @extend_schema(
        summary="Request a video site inspection of an item",
        operation_id="inspection_request",
        request=z.InspectionRequestSerializer,
        responses=responses(z.InspectionSerializer, 400, 403, 404, 409, status=201),
    )
    def post(self, request):
        """
        Two inspectors of the item's department, slots for the enterprise, the reason and
        the planned working days. The item's clock pauses (special procedure). Role:
        reviewer of the item. Errors: ``inspection_two_inspectors_required``,
        ``inspection_not_an_inspector``, ``inspection_bad_slot``, ``planned_days_required``
        (400); ``permission_denied``, ``inspection_separation_of_duties`` (403);
        ``item_not_found`` (404); ``inspection_no_standard``, ``inspection_already_open``,
        ``inspection_status_conflict`` (409).
        """
        data = validated(z.InspectionRequestSerializer, request.data)
        inspection = s.inspection_request(
            actor=request.user,
            item=item_get_for(request.user, data["item"]),
            inspectors=data["inspectors"],
            slots=[tuple(pair) for pair in data["slots"]],
            reason=data["reason"],
            planned_working_days=data["planned_working_days"],
            site_polygon=data["site_polygon"],
        )
        return Response(z.InspectionSerializer(inspection).data, status=status.HTTP_201_CREATED)


class InspectionDetailApi(GenericAPIView):
    """One inspection with its checklist, results, snapshots, locations and record.
    Errors: ``inspection_not_found`` (404)."""

    queryset = Inspection.objects.none()
    serializer_class = z.InspectionDetailSerializer

    @extend_schema(summary="Read an inspection", operation_id="inspection",
                   responses=responses(z.InspectionDetailSerializer, 404))  # fmt: skip
    def get(self, request, public_id):
        return Response(
            z.InspectionDetailSerializer(inspection_get_for(request.user, public_id)).data
        )


class _Command(GenericAPIView):
    queryset = Inspection.objects.none()
    # Each command names the serializer of its own input.
    serializer_class: type[BaseSerializer[Any]] = z.InspectionSerializer

    def inspection(self, public_id):
        return inspection_get_for(self.request.user, public_id)

    def answer(self, inspection, code=200):
        return Response(z.InspectionSerializer(inspection).data, status=code)


class InspectionSlotApi(_Command):
    """The enterprise picks a slot; the picker is the person on site. Role: applicant.
    Errors: ``inspection_bad_slot`` (400), ``permission_denied`` (403), (404),
    ``inspection_status_conflict`` (409)."""

    @extend_schema(summary="Pick a slot", operation_id="inspection_slot_pick",
                   request=z.SlotPickSerializer, responses=responses(z.InspectionSerializer, 400, 403, 404, 409))  # fmt: skip
    def post(self, request, public_id):
        data = validated(z.SlotPickSerializer, request.data)
        return self.answer(s.inspection_slot_pick(actor=request.user,
                                                  inspection=self.inspection(public_id), slot=data["slot"]))  # fmt: skip


class InspectionRehearsalApi(_Command):
    """A participant records the connectivity rehearsal. Role: inspector, person on site.
    Errors: (400), ``permission_denied`` (403), (404), ``inspection_status_conflict`` (409)."""

    @extend_schema(summary="Record a connectivity rehearsal", operation_id="inspection_rehearsal",
                   request=z.RehearsalSerializer, responses=responses(z.InspectionSerializer, 400, 403, 404, 409))  # fmt: skip
    def post(self, request, public_id):
        data = validated(z.RehearsalSerializer, request.data)
        return self.answer(s.inspection_rehearsal_record(actor=request.user,
                                                         inspection=self.inspection(public_id), result=data))  # fmt: skip


class InspectionStartApi(_Command):
    """An inspector starts the call. Errors: ``permission_denied`` (403), (404), (409)."""

    @extend_schema(summary="Start the video inspection", operation_id="inspection_start",
                   request=None, responses=responses(z.InspectionSerializer, 403, 404, 409))  # fmt: skip
    def post(self, request, public_id):
        return self.answer(
            s.inspection_start(actor=request.user, inspection=self.inspection(public_id))
        )


class InspectionCancelApi(_Command):
    """The requesting reviewer cancels an open inspection; the clock restarts.
    Errors: (400), ``permission_denied`` (403), (404), ``inspection_status_conflict`` (409)."""

    @extend_schema(summary="Cancel an inspection", operation_id="inspection_cancel",
                   request=z.CancelInputSerializer, responses=responses(z.InspectionSerializer, 400, 403, 404, 409))  # fmt: skip
    def post(self, request, public_id):
        data = validated(z.CancelInputSerializer, request.data)
        return self.answer(s.inspection_cancel(actor=request.user,
                                               inspection=self.inspection(public_id), **data))  # fmt: skip


class SnapshotApi(_Command):
    """An inspector uploads a still of the call (hashed SM3), tied to a checklist item and
    the call time. Errors: ``inspection_bad_file``, ``inspection_bad_checklist_item`` (400),
    ``permission_denied`` (403), (404), ``inspection_status_conflict`` (409)."""

    serializer_class = z.InspectionSnapshotSerializer

    @extend_schema(summary="Upload a snapshot", operation_id="inspection_snapshot_add",
                   request={"multipart/form-data": z.SnapshotInputSerializer},
                   responses=responses(z.InspectionSnapshotSerializer, 400, 403, 404, 409, status=201))  # fmt: skip
    def post(self, request, public_id):
        data = validated(z.SnapshotInputSerializer, request.data)
        snapshot = s.snapshot_add(actor=request.user, inspection=self.inspection(public_id), **data)
        return Response(
            z.InspectionSnapshotSerializer(snapshot).data, status=status.HTTP_201_CREATED
        )


class SegmentApi(_Command):
    """An inspector's browser uploads the next recorded segment of the call (MediaRecorder,
    WebM): stored, hashed SM3 and chained to the one before; sequence numbers run 0, 1, 2, ….
    Errors: ``inspection_bad_segment`` (400), ``permission_denied`` (403), (404),
    ``inspection_segment_out_of_order``, ``inspection_status_conflict`` (409)."""

    serializer_class = z.CallSegmentSerializer

    @extend_schema(summary="Upload a recorded segment of the call", operation_id="inspection_segment_add",
                   request={"multipart/form-data": z.SegmentInputSerializer},
                   responses=responses(z.CallSegmentSerializer, 400, 403, 404, 409, status=201))  # fmt: skip
    def post(self, request, public_id):
        data = validated(z.SegmentInputSerializer, request.data)
        segment = s.segment_add(actor=request.user, inspection=self.inspection(public_id), **data)
        return Response(z.CallSegmentSerializer(segment).data, status=status.HTTP_201_CREATED)


class LocationApi(_Command):
    """The person on site reports the browser's position; it is compared with the site.
    Errors: ``inspection_bad_location`` (400), ``permission_denied`` (403), (404), (409)."""

    serializer_class = z.LocationSerializer

    @extend_schema(summary="Report the site person's location", operation_id="inspection_location_add",
                   request=z.LocationInputSerializer,
                   responses=responses(z.LocationSerializer, 400, 403, 404, 409, status=201))  # fmt: skip
    def post(self, request, public_id):
        data = validated(z.LocationInputSerializer, request.data)
        sample = s.location_add(actor=request.user, inspection=self.inspection(public_id), **data)
        return Response(z.LocationSerializer(sample).data, status=status.HTTP_201_CREATED)


class ResultApi(_Command):
    """An inspector records one checklist item's result (a failure needs a note).
    Errors: ``inspection_bad_checklist_item``, ``required`` (400), (403), (404), (409)."""

    @extend_schema(summary="Record a checklist result", operation_id="inspection_result_set",
                   request=z.InspectionResultInputSerializer,
                   responses=responses(z.InspectionDetailSerializer, 400, 403, 404, 409))  # fmt: skip
    def put(self, request, public_id, item_id):
        data = validated(z.InspectionResultInputSerializer, request.data)
        inspection = self.inspection(public_id)
        s.result_set(actor=request.user, inspection=inspection, checklist_item=item_id, **data)
        return Response(z.InspectionDetailSerializer(self.inspection(public_id)).data)


class RecordApi(_Command):
    """The record: an inspector writes it (every item needs its result); anyone who sees
    the inspection reads it. Errors: ``inspection_results_missing`` (400), (403),
    ``inspection_record_not_found`` (404), (409)."""

    serializer_class = z.RecordSerializer

    @extend_schema(summary="Read the inspection record", operation_id="inspection_record",
                   responses=responses(z.RecordSerializer, 404))  # fmt: skip
    def get(self, request, public_id):
        return Response(z.RecordSerializer(record_get_for(request.user, public_id)).data)

    @extend_schema(summary="Write the inspection record", operation_id="inspection_record_write",
                   request=z.RecordInputSerializer,
                   responses=responses(z.RecordSerializer, 400, 403, 404, 409, status=201))  # fmt: skip
    def post(self, request, public_id):
        data = validated(z.RecordInputSerializer, request.data)
        record = s.record_write(actor=request.user, inspection=self.inspection(public_id), **data)
        return Response(z.RecordSerializer(record).data, status=status.HTTP_201_CREATED)


class RecordSignApi(_Command):
    """Sign the record: each inspector, then the enterprise acknowledges; the last signature
    completes it (PDF, clock restarts). Errors: ``permission_denied`` (403), (404),
    ``inspection_already_signed``, ``inspection_not_signed``, (409)."""

    serializer_class = z.RecordSerializer

    @extend_schema(summary="Sign or acknowledge the record", operation_id="inspection_record_sign",
                   request=z.SignInputSerializer,
                   responses=responses(z.RecordSerializer, 400, 403, 404, 409))  # fmt: skip
    def post(self, request, public_id):
        data = validated(z.SignInputSerializer, request.data)
        record = s.record_sign(actor=request.user, record=record_get_for(request.user, public_id),
                               **data)  # fmt: skip
        return Response(z.RecordSerializer(record).data)


class RecordPdfApi(_Command):
    """The completed record's PDF. Errors: ``inspection_record_not_found`` (404)."""

    @extend_schema(summary="Download the record's PDF", operation_id="inspection_record_pdf",
                   responses=PDF_RESPONSES)  # fmt: skip
    def get(self, request, public_id):
        record = record_get_for(request.user, public_id)
        if not record.pdf:
            raise NotFound(code="inspection_record_not_found")
        return _pdf(record.pdf, f"{record.number}.pdf")


class RecordVerifyApi(_Command):
    """Recompute the record's content digest, each signature and the PDF's digest."""

    serializer_class = z.VerificationSerializer

    @extend_schema(summary="Verify the record", operation_id="inspection_record_verify",
                   responses=responses(z.VerificationSerializer, 404))  # fmt: skip
    def get(self, request, public_id):
        return Response(s.record_verify(record_get_for(request.user, public_id)))


# -- joint reviews -------------------------------------------------------------------


class ExpertListApi(GenericAPIView):
    """The expert pool. Read: catalogue keeper, reviewers, department heads, supervisors;
    write: catalogue keeper. Errors: (400), ``permission_denied`` (403)."""

    queryset = Expert.objects.none()
    serializer_class = z.ExpertSerializer

    @extend_schema(summary="List the expert pool", operation_id="experts",
                   responses=responses(z.ExpertSerializer(many=True), 403))  # fmt: skip
    def get(self, request):
        if not js.expert_pool_readable(request.user):
            raise PermissionDenied()
        page = self.paginate_queryset(expert_list())
        return self.get_paginated_response(z.ExpertSerializer(page, many=True).data)

    @extend_schema(summary="Add an expert to the pool", operation_id="expert_create",
                   request=z.ExpertInputSerializer,
                   responses=responses(z.ExpertSerializer, 400, 403, status=201))  # fmt: skip
    def post(self, request):
        data = validated(z.ExpertInputSerializer, request.data)
        expert = js.expert_create(actor=request.user, **data)
        return Response(z.ExpertSerializer(expert).data, status=status.HTTP_201_CREATED)


class JointReviewListApi(GenericAPIView):
    """Joint reviews of the items you see (or where you sit on the panel); the lead
    department convenes one. Errors: ``joint_review_items_invalid`` (400),
    ``joint_review_not_lead`` (403), ``case_not_found`` (404), (409)."""

    queryset = JointReview.objects.none()
    serializer_class = z.JointReviewSerializer

    @extend_schema(summary="List joint reviews", operation_id="joint_reviews",
                   responses=responses(z.JointReviewSerializer(many=True)))  # fmt: skip
    def get(self, request):
        qs = joint_review_list_visible_to(request.user).prefetch_related(
            "items__matter_version", "items__department", "panel"
        )
        page = self.paginate_queryset(qs)
        return self.get_paginated_response(z.JointReviewSerializer(page, many=True).data)

    @extend_schema(summary="Convene a joint review", operation_id="joint_review_convene",
                   request=z.ConveneInputSerializer,
                   responses=responses(z.JointReviewSerializer, 400, 403, 404, 409, status=201))  # fmt: skip
    def post(self, request):
        data = validated(z.ConveneInputSerializer, request.data)
        review = js.joint_review_convene(actor=request.user,
                                         case=case_get_for(request.user, data.pop("case")), **data)  # fmt: skip
        return Response(z.JointReviewSerializer(review).data, status=status.HTTP_201_CREATED)


class _ReviewCommand(GenericAPIView):
    queryset = JointReview.objects.none()
    # Each command names the serializer of its own input.
    serializer_class: type[BaseSerializer[Any]] = z.JointReviewDetailSerializer

    def review(self, public_id):
        return joint_review_get_for(self.request.user, public_id)

    def answer(self, review):
        return Response(z.JointReviewDetailSerializer(self.review(review.public_id)).data)


class JointReviewDetailApi(_ReviewCommand):
    """One joint review with its panel, the draw's public page and the opinions."""

    @extend_schema(summary="Read a joint review", operation_id="joint_review",
                   responses=responses(z.JointReviewDetailSerializer, 404))  # fmt: skip
    def get(self, request, public_id):
        return Response(z.JointReviewDetailSerializer(self.review(public_id)).data)


class DrawPrepareApi(_ReviewCommand):
    """The lead freezes the eligible pool (after recusal) and commits the seed.
    Errors: ``joint_review_not_lead`` (403), (404), ``joint_review_pool_too_small``,
    ``joint_review_status_conflict`` (409)."""

    @extend_schema(summary="Prepare the panel draw", operation_id="joint_review_draw_prepare",
                   request=None, responses=responses(z.JointReviewDetailSerializer, 403, 404, 409))  # fmt: skip
    def post(self, request, public_id):
        return self.answer(js.panel_draw_prepare(actor=request.user, review=self.review(public_id)))


class DrawRevealApi(_ReviewCommand):
    """The lead reveals the seed before the witnesses; the panel is drawn.
    Errors: ``draw_witness_required`` (400), (403), (404), (409)."""

    @extend_schema(summary="Reveal the panel draw", operation_id="joint_review_draw_reveal",
                   request=z.RevealInputSerializer,
                   responses=responses(z.JointReviewDetailSerializer, 400, 403, 404, 409))  # fmt: skip
    def post(self, request, public_id):
        data = validated(z.RevealInputSerializer, request.data)
        return self.answer(js.panel_draw_reveal(actor=request.user, review=self.review(public_id),
                                                **data))  # fmt: skip


class OpinionApi(_ReviewCommand):
    """A panel expert adds a structured opinion item (the lead may minute one for a named
    panel expert; a reviewer of a member department gives the department's own). From
    round 2 only the reopened items. Errors: (400), ``joint_review_item_not_reopened`` (400),
    ``joint_review_not_on_panel`` (403), (404), ``joint_review_opinion_signed`` (409)."""

    serializer_class = z.ReviewOpinionSerializer

    @extend_schema(summary="Add an opinion item", operation_id="joint_review_opinion_add",
                   request=z.ReviewOpinionInputSerializer,
                   responses=responses(z.ReviewOpinionSerializer, 400, 403, 404, 409, status=201))  # fmt: skip
    def post(self, request, public_id):
        data = validated(z.ReviewOpinionInputSerializer, request.data)
        opinion = js.opinion_add(actor=request.user, review=self.review(public_id), **data)
        return Response(z.ReviewOpinionSerializer(opinion).data, status=status.HTTP_201_CREATED)


class OpinionSignApi(_ReviewCommand):
    """A panel expert signs the round's individual opinion (SM2, signer named in the signed
    payload). Errors: ``joint_review_not_on_panel`` (403), (404),
    ``joint_review_opinion_signed``, ``joint_review_nothing_to_sign`` (409)."""

    @extend_schema(summary="Sign my opinion of this round", operation_id="joint_review_opinion_sign",
                   request=None, responses=responses(z.JointReviewDetailSerializer, 403, 404, 409))  # fmt: skip
    def post(self, request, public_id):
        review = self.review(public_id)
        js.opinion_sign(actor=request.user, review=review)
        return self.answer(review)


class ConflictResolveApi(_ReviewCommand):
    """The lead records how the meeting resolved contradicting opinions on one item (its
    ``key`` from ``conflicts``). Errors: ``joint_review_conflict_not_found`` (400),
    ``joint_review_not_lead`` (403), (404), (409)."""

    @extend_schema(summary="Resolve a contradiction", operation_id="joint_review_conflict_resolve",
                   request=z.ConflictResolveInputSerializer,
                   responses=responses(z.JointReviewDetailSerializer, 400, 403, 404, 409))  # fmt: skip
    def post(self, request, public_id):
        data = validated(z.ConflictResolveInputSerializer, request.data)
        return self.answer(js.conflict_resolve(actor=request.user, review=self.review(public_id),
                                               **data))  # fmt: skip


class ConsolidatedApi(_ReviewCommand):
    """The opinions merged by structure (topic + material + clause), as the letter will
    list them."""

    serializer_class = z.ConsolidatedItemSerializer

    @extend_schema(summary="The consolidated opinion items", operation_id="joint_review_consolidated",
                   responses=responses(z.ConsolidatedItemSerializer(many=True), 404))  # fmt: skip
    def get(self, request, public_id):
        return Response(js.consolidated_items(self.review(public_id)))


class LetterApi(_ReviewCommand):
    """The lead issues the round's consolidated letter (PDF, signed, filed in the archive);
    a correction opens when anything must be fixed. Errors: (403), (404),
    ``joint_review_quorum_not_met``, ``joint_review_conflicts_unresolved``,
    ``joint_review_status_conflict`` (409)."""

    @extend_schema(summary="Issue the consolidated opinion letter", operation_id="joint_review_letter_issue",
                   request=None, responses=responses(z.JointReviewDetailSerializer, 403, 404, 409))  # fmt: skip
    def post(self, request, public_id):
        return self.answer(js.letter_issue(actor=request.user, review=self.review(public_id)))


class LetterPdfApi(_ReviewCommand):
    """The newest letter's PDF, or round ``round``'s. Errors: ``joint_review_not_found``
    (404, also before it is issued)."""

    @extend_schema(summary="Download the consolidated letter", operation_id="joint_review_letter_pdf",
                   parameters=[OpenApiParameter("round", int, required=False)],
                   responses=PDF_RESPONSES)  # fmt: skip
    def get(self, request, public_id):
        review = self.review(public_id)
        wanted = request.query_params.get("round", "")
        letters = review.letters.order_by("-round")
        if wanted:
            letters = (
                letters.filter(round=int(wanted))
                if wanted.isdigit() and len(wanted) < 4
                else letters.none()
            )
        letter = letters.first()
        if letter is None:
            raise NotFound(code="joint_review_not_found")
        return _pdf(letter.pdf, f"{letter.number}.pdf")


class ResponsesApi(_ReviewCommand):
    """The applicant answers every must-fix item at once. Errors:
    ``joint_review_response_missing`` (400), (403), (404), (409)."""

    @extend_schema(summary="Answer the consolidated opinion", operation_id="joint_review_respond",
                   request=z.ResponsesInputSerializer,
                   responses=responses(z.JointReviewDetailSerializer, 400, 403, 404, 409))  # fmt: skip
    def post(self, request, public_id):
        data = validated(z.ResponsesInputSerializer, request.data)
        return self.answer(js.correction_respond(actor=request.user, review=self.review(public_id),
                                                 **data))  # fmt: skip


class ConcludeApi(_ReviewCommand):
    """The lead concludes the joint review; each department still decides its own item."""

    @extend_schema(summary="Conclude the joint review", operation_id="joint_review_conclude",
                   request=None, responses=responses(z.JointReviewDetailSerializer, 403, 404, 409))  # fmt: skip
    def post(self, request, public_id):
        return self.answer(
            js.joint_review_conclude(actor=request.user, review=self.review(public_id))
        )
