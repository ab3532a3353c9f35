"""``manage.py bench_guide``: time guide + timeline of the largest demo track."""

from django.core.management.base import BaseCommand, CommandError

from benchmarks.guide import run_bench

BUDGET_MS = 20.0


class Command(BaseCommand):
    help = "Time the customised guide + timeline of the largest track (goal: p50 under 20 ms)."

    def add_arguments(self, parser):
        parser.add_argument("--repeat", type=int, default=50)
        parser.add_argument("--budget", type=float, default=BUDGET_MS, help="p50 budget in ms")

    def handle(self, *args, repeat, budget, **options):
        result = run_bench(repeat=repeat, out=self.stdout.write)
        if result and result["p50"] > budget:
            raise CommandError(f"p50 {result['p50']:.1f} ms is over the {budget:.0f} ms budget")
