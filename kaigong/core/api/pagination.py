"""
Pages of every list: ``?page=`` (from 1) and ``?page_size=`` (1 to 500).

A ``page`` or ``page_size`` that is not a whole number in range is a 400
(``invalid_input``, naming the parameter), not silently the default; a page past the
last one is DRF's 404 (``not_found``). The schema states the ranges.
"""

from django.core.paginator import InvalidPage
from django.db.models import Count, Window
from django.utils.translation import gettext as _

from rest_framework import pagination
from rest_framework.exceptions import ErrorDetail, NotFound, ValidationError
from rest_framework.response import Response

from kaigong.core.keyset import DEFAULT_COUNT_CAP, capped_count


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


class CountedPagePagination(PageNumberPagination):
    """
    The same pages, with the list's total read in the page's own query
    (``COUNT(*) OVER ()`` on every row) instead of a second ``COUNT`` query (issue #16 §2:
    the lightest reads shed what they repeat). Only for lists without DISTINCT or grouping
    (a window counts the rows before DISTINCT). Extra window totals a view wants in the same
    query (the inbox's unread count) are named in ``window_totals`` as ``{name: aggregate}``
    and read back from ``self.totals``. A page past the last one is still DRF's 404; an empty
    list is page 1 with a total of 0.
    """

    window_totals: dict = {}

    def paginate_queryset(self, queryset, request, view=None):
        raw = request.query_params.get(self.page_query_param)
        if raw in self.last_page_strings:  # "last" needs the count first: the counted way
            page = super().paginate_queryset(queryset, request, view)
            self.totals = {name: None for name in self.window_totals}
            return page
        number = 1 if raw is None else _whole_number(raw, self.page_query_param)
        size = self.get_page_size(request)
        totals = {"_page_total": Window(Count("pk")), **self.window_totals}
        rows = list(queryset.annotate(**totals)[(number - 1) * size : number * size])
        if not rows and number > 1:
            raise NotFound(_("Invalid page."))
        paginator = self.django_paginator_class(queryset, size)
        paginator.__dict__["count"] = rows[0]._page_total if rows else 0  # cached_property
        try:
            self.page = paginator.page(number)
        except InvalidPage:  # pragma: no cover - the rows above say the page exists
            raise NotFound(_("Invalid page.")) from None
        self.page.object_list = rows
        self.totals = {name: (getattr(rows[0], name) if rows else 0) for name in self.window_totals}
        self.request = request
        return rows


class CappedCountPagination(PageNumberPagination):
    """
    The same numbered pages (``?page=``, ``?page_size=``), with the list's total counted
    only up to ``count_cap`` (kaigong/core/keyset.py ``capped_count``) and ``count_capped``
    saying when there are more (issue #11: a queue of a province is not scanned to print
    its size). A page reads its own rows and one more (is there a next page?), never the
    exact count; ``?page=last`` needs the exact count and is answered the counted way. A
    page past the last one is DRF's 404; an empty list is page 1 with a count of 0.

    perf: page 1 reads ``page_size + 1`` rows in the list's order and at most
    ``count_cap + 1`` ids, whatever the table's size; a deep page still costs its OFFSET.
    """

    count_cap = DEFAULT_COUNT_CAP

    def paginate_queryset(self, queryset, request, view=None):
        raw = request.query_params.get(self.page_query_param)
        self.request = request
        if raw in self.last_page_strings:
            rows = super().paginate_queryset(queryset, request, view)
            self.capped = False
            self.count = self.page.paginator.count
            self.has_next = self.page.has_next()
            self.number = self.page.number
            return rows
        self.number = 1 if raw is None else _whole_number(raw, self.page_query_param)
        size = self.page_size_value = self.get_page_size(request)
        start = (self.number - 1) * size
        rows = list(queryset[start : start + size + 1])
        if not rows and self.number > 1:
            raise NotFound(_("Invalid page."))
        self.has_next = len(rows) > size
        rows = rows[:size]
        if start + len(rows) <= self.count_cap:
            self.count, self.capped = capped_count(queryset, cap=self.count_cap)
        else:  # a page past the cap: there are more than the cap, no need to count
            self.count, self.capped = self.count_cap, True
        return rows

    def get_next_link(self):
        if not self.has_next:
            return None
        url = self.request.build_absolute_uri()
        return pagination.replace_query_param(url, self.page_query_param, self.number + 1)

    def get_previous_link(self):
        if self.number <= 1:
            return None
        url = self.request.build_absolute_uri()
        if self.number == 2:
            return pagination.remove_query_param(url, self.page_query_param)
        return pagination.replace_query_param(url, self.page_query_param, self.number - 1)

    def get_paginated_response(self, data):
        return Response(
            {
                "count": self.count,
                "count_capped": self.capped,
                "next": self.get_next_link(),
                "previous": self.get_previous_link(),
                "results": data,
            }
        )
