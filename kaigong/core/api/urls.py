from django.urls import path

from .views import DrawApi

urlpatterns = [
    path("draws/<uuid:public_id>/", DrawApi.as_view(), name="draw"),
]
