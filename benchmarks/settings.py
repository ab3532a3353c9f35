"""
The settings ``bench_workflow`` starts gunicorn with: the test settings it runs under, with
the benchmark's URLconf (the product's URLs plus the bare DRF view), so that the floor and
the bare view are served by the same server in the same run.
"""

from config.settings.test import *  # noqa: F403

ROOT_URLCONF = "benchmarks.urls"
