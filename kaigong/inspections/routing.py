"""WebSocket routes (config/asgi.py): the video inspection's signalling."""

from django.urls import path

from .consumers import InspectionSignalling

websocket_urlpatterns = [
    path("ws/inspections/<uuid:public_id>/", InspectionSignalling.as_asgi()),
]
