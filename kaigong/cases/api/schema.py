"""OpenAPI helpers shared by the cases API views (responses, parameters)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse

from .serializers import CaseProblemSerializer

_ERROR_TEXT = {
    400: _("Invalid input (RFC 7807; ``invalid_params`` lists each field)."),
    401: _("Not authenticated."),
    403: _("Permission denied (the role does not allow it)."),
    404: _("Not found, or not visible to you (the same answer on purpose)."),
    409: _("The status does not allow it, or somebody changed it meanwhile."),
    412: _("The If-Match precondition names a version that is no longer current."),
    413: _("The request body is too large."),
    415: _("The request body's content type is not accepted here."),
}


def responses(ok, *errors: int, status: int = 200) -> dict:
    """``{status: ok, 401: problem, <each error>: problem}`` for ``@extend_schema``."""
    result = {status: ok}
    for code in sorted({401, *errors}):
        result[code] = OpenApiResponse(CaseProblemSerializer, description=str(_ERROR_TEXT[code]))
    return result


IDEMPOTENCY_KEY = OpenApiParameter(
    "Idempotency-Key",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    required=False,
    description=_(
        "Up to 100 characters. A replay with the same key and the same body returns the "
        "first result; the same key with another body is refused (409 "
        "``idempotency_key_reused``)."
    ),
)


IF_MATCH = OpenApiParameter(
    "If-Match",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    required=False,
    description=_(
        "The ETag of the case version you edited (GET …/form/ or the case answers it, e.g. "
        '``"v3"``). When the case changed meanwhile nothing is saved: 412 '
        "``precondition_failed``."
    ),
)
