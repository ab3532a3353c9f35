"""Public calendar endpoints."""

from django.utils.translation import gettext_lazy as _

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle
from rest_framework.views import APIView

from kaigong.calendars.selectors import due_date, due_date_summary

from .parsing import due_date_query
from .serializers import DueDateOutputSerializer, DueDateProblemSerializer


class DueDateApi(APIView):
    """
    Compute a due date in working days and explain it.

    Role: none (public, read-only; anonymous callers are throttled).
    Errors (400): ``missing_parameter``, ``invalid_date`` (impossible or out-of-range date),
    ``invalid_days`` (negative, not an integer, or above 3650), ``invalid_region``,
    ``invalid_boolean``; 429 ``throttled``.
    """

    permission_classes = [AllowAny]
    throttle_classes = [AnonRateThrottle]

    @extend_schema(
        summary=_("Due date in working days"),
        description=_(
            "The acceptance day is day 0 and counting starts the next working day, unless "
            "count_start=true. Holidays and 调休 follow the published State Council notices; a "
            "day in a year without one is computed Monday to Friday and the answer is "
            "provisional. Role: none (public, read-only; anonymous callers are throttled). "
            "Errors (400, RFC 7807 with a stable code): missing_parameter, invalid_date, "
            "invalid_days (negative, not an integer, or above 3650), invalid_region, "
            "invalid_boolean; 429 throttled."
        ),
        parameters=[
            OpenApiParameter(
                "start", OpenApiTypes.DATE, required=True, description=_("Acceptance day (day 0).")
            ),
            OpenApiParameter(
                "days",
                OpenApiTypes.INT,
                required=True,
                description=_("Working days, 0 to 3650."),
            ),
            OpenApiParameter(
                "region",
                OpenApiTypes.STR,
                required=False,
                description=_("GB/T 2260 region code (six digits) for regional days."),
            ),
            OpenApiParameter(
                "count_start",
                OpenApiTypes.BOOL,
                required=False,
                description=_("Whether the acceptance day counts (default false)."),
            ),
        ],
        responses={200: DueDateOutputSerializer, 400: DueDateProblemSerializer},
        auth=[],
    )
    def get(self, request):
        query = due_date_query(request.query_params)
        result = due_date(
            query["start"],
            query["days"],
            region_code=query["region_code"],
            count_start=query["count_start"],
        )
        payload = {
            "start": result.start,
            "days": result.days,
            "count_start": result.count_start,
            "region": query["region_code"],
            "due_on": result.due_on,
            "provisional": result.provisional,
            "provisional_years": list(result.provisional_years),
            "counted_days": len(result.counted),
            "counted_dates": list(result.counted),
            "skipped": result.skipped,
            "adjusted_workdays": result.adjusted,
            "explanation": due_date_summary(result),
        }
        return Response(DueDateOutputSerializer(payload).data)
