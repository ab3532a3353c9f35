from django.urls import path

from . import views

urlpatterns = [
    path("staff-admin/", views.staff_home, name="staffadmin-list"),
    path("staff-admin/<uuid:public_id>/", views.staff_center, name="staffadmin-center"),
    path(
        "staff-admin/<uuid:public_id>/users/<uuid:user_id>/grant/",
        views.staff_grant,
        name="staffadmin-grant",
    ),
    path(
        "staff-admin/<uuid:public_id>/users/<uuid:user_id>/deactivate/",
        views.staff_deactivate,
        name="staffadmin-deactivate",
    ),
    path(
        "staff-admin/<uuid:public_id>/roles/<uuid:membership_id>/revoke/",
        views.staff_revoke,
        name="staffadmin-revoke",
    ),
]
