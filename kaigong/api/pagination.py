"""
Pages of every list: ``?page=`` (from 1) and ``?page_size=`` (1 to 500).

A ``page`` or ``page_size`` that is not a whole number in range is a 400
(``invalid_input``, naming the parameter), not silently the default; a page past the
last one is DRF's 404 (``not_found``). The schema states the ranges.
"""

from django.utils.translation import gettext as _

from rest_framework import pagination
from rest_framework.exceptions import ErrorDetail, ValidationError


def _whole_number(raw: str, name: str, *, maximum: int | None = None) -> int:
    value = int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 10 else 0
    if value < 1 or (maximum is not None and value > maximum):
        if maximum:
            message = _("Enter a whole number from 1 to %(maximum)s.") % {"maximum": maximum}
        else:
            message = _("Enter a whole number from 1.")
        raise ValidationError({name: [ErrorDetail(message, code="invalid_page")]})
    return value


class PageNumberPagination(pagination.PageNumberPagination):
    page_size_query_param = "page_size"
    max_page_size = 500

    def get_page_size(self, request):
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        return _whole_number(raw, self.page_size_query_param, maximum=self.max_page_size)

    def paginate_queryset(self, queryset, request, view=None):
        raw = request.query_params.get(self.page_query_param)
        if raw is not None and raw not in self.last_page_strings:
            _whole_number(raw, self.page_query_param)
        return super().paginate_queryset(queryset, request, view)

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_query_param:
                parameter["schema"] = {"type": "integer", "minimum": 1}
            elif parameter["name"] == self.page_size_query_param:
                parameter["schema"] = {
                    "type": "integer",
                    "minimum": 1,
                    "maximum": self.max_page_size,
                }
        return parameters
