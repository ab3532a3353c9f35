from django.urls import path

from . import views

app_name = "marketplace-api"

R = "marketplace/requests/<uuid:public_id>/"
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
]
