"""File every not-yet-filed document of every project into its archive folder."""

from django.core.management.base import BaseCommand

from kaigong.archives.services import archive_sweep


class Command(BaseCommand):
    help = "Archive sweep: file the documents of cases and certificates (idempotent)."

    def handle(self, *args, **options):
        filed = archive_sweep()
        self.stdout.write(f"{filed} documents filed")
