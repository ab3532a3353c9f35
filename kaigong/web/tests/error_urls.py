"""The site's URLs plus one view that fails, for the error page tests."""

from django.urls import path

from config.urls import handler400, handler403, handler404, handler500, urlpatterns


def _boom(request):
    raise RuntimeError("a bug")


urlpatterns = [path("test-boom/", _boom), path("api/v1/test-boom/", _boom), *urlpatterns]

__all__ = ["handler400", "handler403", "handler404", "handler500", "urlpatterns"]
