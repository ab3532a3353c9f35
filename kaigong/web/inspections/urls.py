"""Pages of the video site inspection (云踏勘) and the joint review (联合评审)."""

from django.urls import path

from . import views as v

urlpatterns = [
    path("inspections/", v.inspection_list, name="inspection-list"),
    path("inspections/standards/", v.standard_list, name="inspection-standards"),
    path("inspections/standards/<uuid:public_id>/", v.standard_page, name="inspection-standard"),
    path("inspections/samples/<uuid:public_id>/", v.sample_image, name="inspection-sample"),
    path("inspections/new/<uuid:item_id>/", v.inspection_request, name="inspection-request"),
    path(
        "inspections/records/<uuid:public_id>/verify/",
        v.record_verify_page,
        name="inspection-record-verify",
    ),
    path("inspections/<uuid:public_id>/", v.inspection_detail, name="inspection-detail"),
    path("inspections/<uuid:public_id>/call/", v.inspection_call, name="inspection-call"),
    path(
        "inspections/<uuid:public_id>/rehearsal/",
        v.inspection_rehearsal,
        name="inspection-rehearsal",
    ),
    path(
        "inspections/<uuid:public_id>/snapshots/<uuid:snapshot_id>/",
        v.snapshot_image,
        name="inspection-snapshot",
    ),
    path(
        "inspections/<uuid:public_id>/segments/<int:sequence>/",
        v.segment_video,
        name="inspection-segment",
    ),
    path("inspections/<uuid:public_id>/record.pdf", v.record_pdf, name="inspection-record-pdf"),
    path("joint-reviews/", v.joint_review_list, name="joint-review-list"),
    path("joint-reviews/experts/", v.expert_pool, name="expert-pool"),
    path("joint-reviews/new/<uuid:case_id>/", v.joint_review_new, name="joint-review-new"),
    path("joint-reviews/<uuid:public_id>/", v.joint_review_detail, name="joint-review-detail"),
    path(
        "joint-reviews/<uuid:public_id>/letter.pdf",
        v.joint_review_letter,
        name="joint-review-letter",
    ),
]
