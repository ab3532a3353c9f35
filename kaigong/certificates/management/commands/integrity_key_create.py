"""Make the platform integrity key (checkpoints, archive manifests) if it is missing."""

from django.core.management.base import BaseCommand

from kaigong.certificates.keystore import keystore
from kaigong.certificates.signing import platform_key_id


class Command(BaseCommand):
    help = (
        "Create the platform integrity key pair in KAIGONG_KEY_DIR unless it exists, and "
        "print its public key: pin it as KAIGONG_INTEGRITY_PUBLIC_KEY."
    )

    def handle(self, *args, **options):
        key_id = platform_key_id()
        public = keystore().create_named(key_id)
        self.stdout.write(f"{key_id} {public}")
