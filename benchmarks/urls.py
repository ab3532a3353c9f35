"""The benchmark's URLconf: the product's, plus the bare DRF view (``benchmarks.bare``)."""

from django.urls import include, path

from benchmarks.bare import BARE_PATH, BARE_TRANSITION_PATH, BareTransitionView, BareView

urlpatterns = [
    path(BARE_PATH.strip("/") + "/", BareView.as_view(), name="bench-bare"),
    path(
        BARE_TRANSITION_PATH.strip("/") + "/",
        BareTransitionView.as_view(),
        name="bench-bare-transition",
    ),
    path("", include("config.urls")),
]

handler400 = "kaigong.web.views.error_400"
handler403 = "kaigong.web.views.error_403"
handler404 = "kaigong.web.views.error_404"
handler500 = "kaigong.web.views.error_500"
