"""
ASGI entry point (docs/adr/0003): HTTP through Django, WebSockets (the video inspection's
signalling, kaigong/inspections/consumers.py) through Channels, with the session's user
and an Origin check against ALLOWED_HOSTS.
"""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.prod")
django_application = get_asgi_application()

from channels.auth import AuthMiddlewareStack  # noqa: E402 - after Django is set up
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402

from kaigong.core.serving import tune_collector  # noqa: E402
from kaigong.inspections.routing import websocket_urlpatterns  # noqa: E402


def build_application(http=None) -> ProtocolTypeRouter:
    """The served application: Django for HTTP (``http``, default the one built above) and
    the signalling WebSockets. Tests that change settings the HTTP middleware reads when it
    is built (whitenoise's finders) build their own with a fresh ``get_asgi_application()``."""
    return ProtocolTypeRouter(
        {
            "http": http or django_application,
            "websocket": AllowedHostsOriginValidator(
                AuthMiddlewareStack(URLRouter(websocket_urlpatterns))
            ),
        }
    )


application = build_application()
tune_collector()
