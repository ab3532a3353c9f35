from django.urls import path

from . import due_process_views as dp
from . import views

urlpatterns = [
    path("marketplace/", views.agency_list_page, name="marketplace-home"),
    path("marketplace/winners/", views.winner_list_page, name="marketplace-winners"),
    path("marketplace/agencies/<uuid:public_id>/", views.agency_page, name="marketplace-agency"),
    path("marketplace/requests/", views.request_list_page, name="marketplace-requests"),
    path("marketplace/requests/new/", views.request_new_page, name="marketplace-request-new"),
    path("marketplace/requests/<uuid:public_id>/", views.request_page, name="marketplace-request"),
    path("marketplace/signals/", views.signal_list_page, name="marketplace-signals"),
    path("marketplace/review/", dp.agency_review_page, name="marketplace-review"),
    path("marketplace/sanctions/", dp.sanction_list_page, name="marketplace-sanctions"),
    path("marketplace/sanctions/<uuid:public_id>/", dp.sanction_page, name="marketplace-sanction"),
    path(
        "marketplace/winners/<uuid:public_id>/objection/",
        dp.objection_new_page,
        name="marketplace-objection-new",
    ),
    path("marketplace/objections/", dp.objection_list_page, name="marketplace-objections"),
]
