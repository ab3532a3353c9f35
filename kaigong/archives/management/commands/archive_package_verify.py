"""Verify an archive package: its manifest's SM2 signature, then every file."""

from django.core.management.base import BaseCommand, CommandError

from kaigong.archives.package import SIGNATURE_VALID, package_verify


class Command(BaseCommand):
    help = (
        "Check an archive package (zip): the SM2 signature of its manifest by the platform "
        "integrity key, then every file against the manifest's SM3 hashes."
    )

    def add_arguments(self, parser):
        parser.add_argument("package", help="Path of the zip file")
        parser.add_argument(
            "--public-key",
            default=None,
            help="The platform's public key (hex 04...), instead of KAIGONG_INTEGRITY_PUBLIC_KEY",
        )

    def handle(self, *args, **options):
        report = package_verify(options["package"], public_key_hex=options["public_key"])
        if report.error:
            raise CommandError(report.error)
        if report.signature != SIGNATURE_VALID:
            self.stdout.write(f"SIGNATURE {report.signature}")
        for path in report.changed:
            self.stdout.write(f"CHANGED {path}")
        for path in report.missing:
            self.stdout.write(f"MISSING {path}")
        for path in report.unlisted:
            self.stdout.write(f"UNLISTED {path}")
        if not report.ok:
            signature = (
                "" if report.signature == SIGNATURE_VALID else f"signature {report.signature}; "
            )
            raise CommandError(
                f"{signature}{len(report.changed)} changed, {len(report.missing)} missing, "
                f"{len(report.unlisted)} unlisted of {report.checked + len(report.missing)}"
            )
        self.stdout.write(
            f"OK: manifest signature valid; {report.checked} files match the manifest"
        )
