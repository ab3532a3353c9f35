"""``manage.py catalog_import <file>``: import a whole catalogue file, all or nothing."""

from django.core.management.base import BaseCommand, CommandError

from kaigong.catalog.services import catalog_import
from kaigong.core.exceptions import DomainError


class Command(BaseCommand):
    help = "Import a kaigong-catalog/1 file into an empty catalogue (every error is listed)."

    def add_arguments(self, parser):
        parser.add_argument("file")

    def handle(self, *args, **options):
        with open(options["file"], "rb") as handle:
            raw = handle.read()
        try:
            result = catalog_import(data=raw, actor=None)
        except DomainError as exc:
            lines = [f"{exc.code}: {exc.message}"]
            lines += [f"  {p['reason']}" for p in exc.invalid_params]
            raise CommandError("\n".join(lines)) from None
        counts = ", ".join(f"{k}={v}" for k, v in sorted(result["counts"].items()))
        self.stdout.write(f"{result['status']}: {counts}")
