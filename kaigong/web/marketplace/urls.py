from django.urls import path

from . import views

urlpatterns = [
    path("marketplace/", views.agency_list_page, name="marketplace-home"),
    path("marketplace/winners/", views.winner_list_page, name="marketplace-winners"),
    path("marketplace/agencies/<uuid:public_id>/", views.agency_page, name="marketplace-agency"),
    path("marketplace/requests/", views.request_list_page, name="marketplace-requests"),
    path("marketplace/requests/new/", views.request_new_page, name="marketplace-request-new"),
    path("marketplace/requests/<uuid:public_id>/", views.request_page, name="marketplace-request"),
    path("marketplace/signals/", views.signal_list_page, name="marketplace-signals"),
]
