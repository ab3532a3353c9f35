"""Verify an archive package: name every changed, missing or unlisted file."""

from django.core.management.base import BaseCommand, CommandError

from kaigong.archives.package import package_verify


class Command(BaseCommand):
    help = "Check an archive package (zip) against its manifest's SM3 hashes."

    def add_arguments(self, parser):
        parser.add_argument("package", help="Path of the zip file")

    def handle(self, *args, **options):
        report = package_verify(options["package"])
        if report.error:
            raise CommandError(report.error)
        for path in report.changed:
            self.stdout.write(f"CHANGED {path}")
        for path in report.missing:
            self.stdout.write(f"MISSING {path}")
        for path in report.unlisted:
            self.stdout.write(f"UNLISTED {path}")
        if not report.ok:
            raise CommandError(
                f"{len(report.changed)} changed, {len(report.missing)} missing, "
                f"{len(report.unlisted)} unlisted of {report.checked + len(report.missing)}"
            )
        self.stdout.write(f"OK: {report.checked} files match the manifest")
