import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.prod")
application = get_wsgi_application()

from kaigong.core.serving import tune_collector  # noqa: E402 - after Django is set up

tune_collector()
