"""Calendar API, included under ``/api/v1/`` (DESIGN.md §6)."""

from django.urls import path

from .views import DueDateApi

urlpatterns = [
    path("calendar/due-date", DueDateApi.as_view(), name="calendar-due-date"),
]
