from django.urls import path

from . import views as v

app_name = "inspections-api"

P = "inspections/<uuid:public_id>/"
J = "joint-reviews/<uuid:public_id>/"

urlpatterns = [
    path("inspections/standards/", v.StandardListApi.as_view(), name="standards"),
    path("inspections/standards/<uuid:public_id>/", v.StandardDetailApi.as_view(), name="standard"),
    path(
        "inspections/standards/<uuid:public_id>/items/",
        v.StandardItemApi.as_view(),
        name="standard-items",
    ),
    path(
        "inspections/standards/<uuid:public_id>/items/<uuid:item_id>/samples/",
        v.StandardSampleApi.as_view(),
        name="standard-samples",
    ),
    path(
        "inspections/standards/<uuid:public_id>/publish/",
        v.StandardPublishApi.as_view(),
        name="standard-publish",
    ),
    path("inspections/", v.InspectionListApi.as_view(), name="inspections"),
    path(P, v.InspectionDetailApi.as_view(), name="inspection"),
    path(P + "slot/", v.InspectionSlotApi.as_view(), name="slot"),
    path(P + "rehearsal/", v.InspectionRehearsalApi.as_view(), name="rehearsal"),
    path(P + "start/", v.InspectionStartApi.as_view(), name="start"),
    path(P + "cancel/", v.InspectionCancelApi.as_view(), name="cancel"),
    path(P + "snapshots/", v.SnapshotApi.as_view(), name="snapshots"),
    path(P + "segments/", v.SegmentApi.as_view(), name="segments"),
    path(P + "locations/", v.LocationApi.as_view(), name="locations"),
    path(P + "results/<uuid:item_id>/", v.ResultApi.as_view(), name="result"),
    path(P + "record/", v.RecordApi.as_view(), name="record"),
    path(P + "record/sign/", v.RecordSignApi.as_view(), name="record-sign"),
    path(P + "record/pdf/", v.RecordPdfApi.as_view(), name="record-pdf"),
    path(P + "record/verify/", v.RecordVerifyApi.as_view(), name="record-verify"),
    path("joint-reviews/experts/", v.ExpertListApi.as_view(), name="experts"),
    path("joint-reviews/", v.JointReviewListApi.as_view(), name="joint-reviews"),
    path(J, v.JointReviewDetailApi.as_view(), name="joint-review"),
    path(J + "draw/", v.DrawPrepareApi.as_view(), name="draw"),
    path(J + "draw/reveal/", v.DrawRevealApi.as_view(), name="draw-reveal"),
    path(J + "opinions/", v.OpinionApi.as_view(), name="opinions"),
    path(J + "opinions/sign/", v.OpinionSignApi.as_view(), name="opinions-sign"),
    path(J + "conflicts/resolve/", v.ConflictResolveApi.as_view(), name="conflict-resolve"),
    path(J + "consolidated/", v.ConsolidatedApi.as_view(), name="consolidated"),
    path(J + "letter/", v.LetterApi.as_view(), name="letter"),
    path(J + "letter/pdf/", v.LetterPdfApi.as_view(), name="letter-pdf"),
    path(J + "responses/", v.ResponsesApi.as_view(), name="responses"),
    path(J + "conclude/", v.ConcludeApi.as_view(), name="conclude"),
]
