"""
Pages of every list: ``?page=`` (from 1) and ``?page_size=`` (1 to 500).

A ``page`` or ``page_size`` that is not a whole number in range is a 400
(``invalid_input``, naming the parameter), not silently the default; a page past the
last one is DRF's 404 (``not_found``). The schema states the ranges.
"""

from collections.abc import Callable, Hashable
from typing import Any

from django.core.paginator import InvalidPage
from django.db import connections, router
from django.db.models import Count, Model, QuerySet, Window
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
            if isinstance(queryset, CompiledList):
                queryset = queryset.build(queryset.value)
            page = super().paginate_queryset(queryset, request, view)
            self.totals = {name: None for name in self.window_totals}
            return page
        number = 1 if raw is None else _whole_number(raw, self.page_query_param)
        size = self.get_page_size(request)
        if isinstance(queryset, CompiledList):
            rows = queryset.page(self._annotated_page, number, size)
            queryset = rows  # the paginator only slices it (its count is set below)
        else:
            rows = list(self._annotated_page(queryset, number, size))
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

    def _annotated_page(self, queryset: QuerySet, number: int, size: int) -> QuerySet:
        totals = {"_page_total": Window(Count("pk")), **self.window_totals}
        return queryset.annotate(**totals)[(number - 1) * size : number * size]


_SENTINELS = (-7_340_917_001, -7_340_917_002)  # two values no primary key ever takes


class CompiledList:
    """
    A list whose query depends on one value only (the caller's primary key), its page's SQL
    compiled once per process for each shape (``key``, page, page size) and run with the
    request's value in place: issue #16 §2, the lightest reads do not rebuild and recompile
    the same query on every request (building and compiling the inbox's ``Q`` with its two
    membership subqueries and window totals cost more CPU than the rest of the read).

    ``build(value)`` is the list's queryset (a selector's); it must depend on ``value``
    only. The first page of a shape is built for two sentinel values and compiled twice:
    the two SQL texts must be the same and their parameters differ only where the value
    went; otherwise (a query whose text depends on the value) that shape is never cached
    and every page is built and compiled by the ORM as before. The rows are the model's
    instances with the window totals as attributes (``QuerySet.raw``, its converters).
    Pass it where a queryset goes to ``CountedPagePagination.paginate_queryset``.
    """

    _cache: dict[Hashable, tuple[str, list, tuple[int, ...]] | None] = {}
    _CACHE_SIZE = 256  # shapes (key × page × size) kept; past it the cache starts over

    def __init__(
        self, key: Hashable, model: type[Model], build: Callable[[Any], QuerySet], value: Any
    ) -> None:
        self.key, self.model, self.build, self.value = key, model, build, value

    def page(self, annotate: Callable[[QuerySet, int, int], QuerySet], number: int, size: int):
        """The rows of page ``number`` (of ``size``), ``annotate`` adding the totals."""
        alias = router.db_for_read(self.model)
        shape = (self.key, connections[alias].vendor, alias, number, size)
        try:
            compiled = self._cache[shape]
        except KeyError:  # (not ``in`` then ``[]``: another thread may clear it between)
            if len(self._cache) >= self._CACHE_SIZE:
                self._cache.clear()
            compiled = self._cache[shape] = self._compile(annotate, number, size)
        if compiled is None:  # this shape's SQL depends on the value: the ORM's way
            return list(annotate(self.build(self.value), number, size))
        sql, params, slots = compiled
        params = list(params)
        for slot in slots:
            params[slot] = self.value
        return list(self.model._default_manager.db_manager(alias).raw(sql, params))

    def _compile(
        self, annotate, number: int, size: int
    ) -> tuple[str, list, tuple[int, ...]] | None:
        first, second = (
            annotate(self.build(value), number, size).query.sql_with_params()
            for value in _SENTINELS
        )
        if first[0] != second[0] or len(first[1]) != len(second[1]):
            return None
        slots = []
        for n, (one, other) in enumerate(zip(first[1], second[1], strict=True)):
            if (one, other) == _SENTINELS:
                slots.append(n)
            elif one != other:
                return None
        return (first[0], list(first[1]), tuple(slots)) if slots else None


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
