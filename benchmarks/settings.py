"""
The settings ``bench_workflow`` starts gunicorn with: the test settings it runs under, with
the benchmark's URLconf (the product's URLs plus the bare DRF view), so that the floor and
the bare view are served by the same server in the same run.
"""

from config.settings.test import *  # noqa: F403

ROOT_URLCONF = "benchmarks.urls"
# served as in production: the collector tuned after start-up (kaigong/core/serving.py);
# KAIGONG_GC_TUNING=0 measures CPython's defaults
KAIGONG_GC_TUNING = env.bool("KAIGONG_GC_TUNING", default=True)  # noqa: F405
