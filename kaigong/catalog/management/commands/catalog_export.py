"""``manage.py catalog_export [file]``: write the whole catalogue to a file (or stdout)."""

import sys

from django.core.management.base import BaseCommand

from kaigong.catalog.services import catalog_export


class Command(BaseCommand):
    help = "Export the whole catalogue as one kaigong-catalog/1 JSON file."

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", help="Output file; standard output when omitted.")

    def handle(self, *args, **options):
        data = catalog_export()
        if options["file"]:
            with open(options["file"], "wb") as handle:
                handle.write(data)
            self.stderr.write(f"Wrote {len(data)} bytes to {options['file']}.")
        else:
            sys.stdout.buffer.write(data)
