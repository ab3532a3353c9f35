"""Make SM2 key pairs for issuing departments: private keys into KAIGONG_KEY_DIR."""

from django.core.management.base import BaseCommand, CommandError

from kaigong.accounts.models import Department
from kaigong.catalog.models import CertificateType
from kaigong.certificates.keystore import key_dir
from kaigong.certificates.models import SigningKey
from kaigong.certificates.services import signing_key_create


class Command(BaseCommand):
    help = (
        "Create an SM2 signing key pair for a department (--department CODE) or for every "
        "issuing department that has none (--all). --rotate replaces an existing key."
    )

    def add_arguments(self, parser):
        group = parser.add_mutually_exclusive_group(required=True)
        group.add_argument("--department", help="Department code")
        group.add_argument("--all", action="store_true", help="Every issuing department")
        parser.add_argument("--rotate", action="store_true", help="Retire and replace a key")

    def handle(self, *args, **options):
        if options["department"]:
            departments = list(Department.objects.filter(code=options["department"]))
            if not departments:
                raise CommandError(f"No department with code {options['department']!r}.")
        else:
            issuing = CertificateType.objects.exclude(issuing_department=None).values(
                "issuing_department"
            )
            departments = list(Department.objects.filter(id__in=issuing))
        for department in departments:
            has_key = SigningKey.objects.filter(department=department, active=True).exists()
            if has_key and not options["rotate"]:
                self.stdout.write(f"{department.code}: has a key (use --rotate to replace)")
                continue
            key = signing_key_create(department=department)
            self.stdout.write(f"{department.code}: {key.key_id} {key.public_key_hex}")
        self.stdout.write(f"Private keys are in {key_dir()} (mode 0600).")
