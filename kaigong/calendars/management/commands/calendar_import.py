"""``manage.py calendar_import <file> [--replace]``: import one year's notice file."""

import json

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from kaigong.calendars.services import calendar_notice_import
from kaigong.core.exceptions import DomainError


class Command(BaseCommand):
    help = "Import a State Council (or regional) holiday notice file, kaigong-calendar-notice/1."

    def add_arguments(self, parser):
        parser.add_argument("file", help="path of the JSON notice file (docs/calendar.md)")
        parser.add_argument(
            "--replace", action="store_true", help="overwrite a year that is already imported"
        )

    def handle(self, *args, file, replace=False, **options):
        try:
            with open(file, encoding="utf-8") as handle:
                notice = json.load(handle)
        except (OSError, ValueError) as error:
            raise CommandError(
                _("Cannot read %(file)s: %(error)s") % {"file": file, "error": error}
            ) from None
        try:
            year = calendar_notice_import(notice=notice, actor=None, replace=replace)
        except DomainError as error:
            lines = [f"{error.code}: {error.message}"]
            lines += [f"  {p['name']}: {p['code']} — {p['reason']}" for p in error.invalid_params]
            raise CommandError("\n".join(lines)) from None
        self.stdout.write(
            _("Imported %(year)s (%(region)s): %(n)s day(s), %(number)s")
            % {
                "year": year.year,
                "region": year.region_code or _("national"),
                "n": year.days.count(),
                "number": year.notice_number,
            }
        )
