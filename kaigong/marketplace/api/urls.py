from django.urls import path

from . import due_process_views as dp
from . import views

app_name = "marketplace-api"

R = "marketplace/requests/<uuid:public_id>/"
S = "marketplace/sanctions/<uuid:public_id>/"
urlpatterns = [
    path("marketplace/agencies/", views.AgencyListApi.as_view(), name="agency-list"),
    path(
        "marketplace/agencies/<uuid:public_id>/",
        views.AgencyDetailApi.as_view(),
        name="agency-detail",
    ),
    path(
        "marketplace/agencies/<uuid:public_id>/review/",
        views.AgencyReviewApi.as_view(),
        name="agency-review",
    ),
    path(
        "marketplace/agencies/<uuid:public_id>/qualifications/",
        views.QualificationApi.as_view(),
        name="qualification-add",
    ),
    path("marketplace/requests/", views.RequestListApi.as_view(), name="request-list"),
    path(R, views.RequestDetailApi.as_view(), name="request-detail"),
    path(R + "bids/", views.BidApi.as_view(), name="bid"),
    path(R + "choose/", views.ChooseApi.as_view(), name="choose"),
    path(R + "contract/", views.ContractApi.as_view(), name="contract"),
    path(R + "deliverable/", views.DeliverableApi.as_view(), name="deliverable"),
    path(R + "attach/", views.AttachApi.as_view(), name="attach"),
    path(R + "ratings/", views.RatingApi.as_view(), name="rating"),
    path("marketplace/winners/", views.WinnerListApi.as_view(), name="winner-list"),
    path("marketplace/signals/", views.SignalListApi.as_view(), name="signal-list"),
    path("marketplace/sanctions/", dp.SanctionListApi.as_view(), name="sanction-list"),
    path(S, dp.SanctionDetailApi.as_view(), name="sanction-detail"),
    path(S + "statement/", dp.SanctionStatementApi.as_view(), name="sanction-statement"),
    path(S + "decide/", dp.SanctionDecideApi.as_view(), name="sanction-decide"),
    path(S + "appeal/", dp.SanctionAppealApi.as_view(), name="sanction-appeal"),
    path(
        S + "appeal-decision/",
        dp.SanctionAppealDecideApi.as_view(),
        name="sanction-appeal-decide",
    ),
    path(R + "objections/", dp.ObjectionRaiseApi.as_view(), name="objection-raise"),
    path("marketplace/objections/", dp.ObjectionListApi.as_view(), name="objection-list"),
    path(
        "marketplace/objections/<uuid:public_id>/decide/",
        dp.ObjectionDecideApi.as_view(),
        name="objection-decide",
    ),
]
