from django.apps import AppConfig


class BenchmarksConfig(AppConfig):
    """`make bench`: the benchmarks and their budgets (docs/benchmarks.md), outside the domain."""

    name = "benchmarks"
    label = "benchmarks"
    verbose_name = "Benchmarks"
