"""
The bare DRF view of ``bench_workflow`` (issue #16, part 2): knox token authentication
(the API's own class) and one indexed SELECT, rendered as JSON — what the stack itself
serves, against which the product's lightest read (the floor) is measured. It is mounted
only by the benchmark's URLconf (``benchmarks.urls``, via ``benchmarks.settings``), never
by the product's.
"""

from __future__ import annotations

from rest_framework.permissions import IsAuthenticated
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from kaigong.api.authentication import TokenAuthentication

BARE_PATH = "/bench/bare/"


class BareView(APIView):
    """One row by primary key (an index scan), for the authenticated caller."""

    authentication_classes = [TokenAuthentication]
    permission_classes = [IsAuthenticated]
    renderer_classes = [JSONRenderer]
    throttle_classes: list = []

    def get(self, request):
        from kaigong.accounts.models import User

        row = User.objects.filter(pk=request.user.pk).values_list("public_id", "username").first()
        return Response({"user": str(row[0]) if row else None, "name": row[1] if row else None})
