"""
Admin of the working-day calendar: read-only years with their days, and a notice upload.

Years and days are never edited by hand: they change only through the notice import (which
validates the whole file, keeps the source, audits, and tells the cases app what changed).
"""

import json

from django import forms
from django.contrib import admin, messages
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _

from kaigong.core.exceptions import DomainError

from .models import CalendarDay, CalendarYear
from .services import calendar_notice_import

MAX_NOTICE_BYTES = 512 * 1024


class NoticeUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Notice file"),
        help_text=_("JSON in the format kaigong-calendar-notice/1 (see docs/calendar.md)."),
    )
    replace = forms.BooleanField(
        label=_("Replace the year if it is already imported"), required=False
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_NOTICE_BYTES:
            raise forms.ValidationError(_("The file is too large for a notice."))
        try:
            return json.loads(upload.read().decode("utf-8"))
        except (UnicodeDecodeError, ValueError) as error:
            raise forms.ValidationError(
                _("Not a JSON file: %(error)s") % {"error": error}
            ) from None


class CalendarDayInline(admin.TabularInline):
    model = CalendarDay
    extra = 0
    can_delete = False
    fields = ["date", "is_workday", "kind", "name", "note"]
    readonly_fields = fields
    ordering = ["date"]

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(CalendarYear)
class CalendarYearAdmin(admin.ModelAdmin):
    list_display = [
        "year",
        "region_code",
        "notice_number",
        "title",
        "origin",
        "published_on",
        "imported_at",
        "imported_by",
    ]
    list_filter = ["origin", "region_code"]
    search_fields = ["year", "region_code", "notice_number", "title"]
    readonly_fields = [
        "region_code",
        "year",
        "notice_number",
        "title",
        "source_url",
        "published_on",
        "origin",
        "note",
        "imported_at",
        "imported_by",
    ]
    fields = readonly_fields
    inlines = [CalendarDayInline]
    change_list_template = "admin/calendars/calendaryear/change_list.html"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_urls(self):
        urls = [
            path(
                "import/",
                self.admin_site.admin_view(self.import_notice_view),
                name="calendars_calendaryear_import",
            )
        ]
        return urls + super().get_urls()

    def import_notice_view(self, request):
        """Upload a notice file; the service validates, imports and audits it."""
        form = NoticeUploadForm(request.POST or None, request.FILES or None)
        problems: list[dict] = []
        if request.method == "POST" and form.is_valid():
            try:
                year = calendar_notice_import(
                    notice=form.cleaned_data["file"],
                    actor=request.user,
                    replace=form.cleaned_data["replace"],
                )
            except DomainError as error:
                form.add_error(None, f"{error.message} ({error.code})")
                problems = error.invalid_params
            else:
                self.message_user(
                    request,
                    _("Imported %(year)s: %(n)s day(s).") % {"year": year, "n": year.days.count()},
                    messages.SUCCESS,
                )
                return HttpResponseRedirect(reverse("admin:calendars_calendaryear_changelist"))
        context = {
            **self.admin_site.each_context(request),
            "title": _("Import a holiday notice"),
            "opts": self.model._meta,
            "form": form,
            "problems": problems,
        }
        return TemplateResponse(request, "admin/calendars/calendaryear/import_notice.html", context)
