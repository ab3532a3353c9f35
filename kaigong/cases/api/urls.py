"""Cases API routes (DESIGN.md §6), included under ``/api/v1/``."""

from rest_framework.routers import SimpleRouter

from .case_views import CaseViewSet
from .item_views import ItemViewSet

router = SimpleRouter()
router.register("cases", CaseViewSet, basename="case")
router.register("items", ItemViewSet, basename="item")

urlpatterns = router.urls
