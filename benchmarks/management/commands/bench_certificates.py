"""Print the certificate benchmarks (make bench): SM2 verifications/s, issuance p50/p95."""

from django.core.management.base import BaseCommand

from benchmarks.certificates import run


class Command(BaseCommand):
    help = "SM2 verifications per second per core (native and gmssl) and issuance p50/p95."

    def add_arguments(self, parser):
        parser.add_argument("--seconds", type=float, default=2.0)
        parser.add_argument("--rounds", type=int, default=20)

    def handle(self, *args, **options):
        run(seconds=options["seconds"], rounds=options["rounds"], write=self.stdout.write)
