"""``manage.py run_embedded``: the periodic jobs and the outbox relay on one machine."""

import logging
import os
import signal
import socket
import threading
from datetime import timedelta

from django.core.management.base import BaseCommand
from django.db import DatabaseError, close_old_connections, connection
from django.utils.translation import gettext_lazy as _

from kaigong.core.leases import lease_acquire, lease_release
from kaigong.core.scheduler import SCHEDULER_LEASE, scheduler_tick

logger = logging.getLogger("kaigong.core.scheduler")


class Command(BaseCommand):
    help = _(
        "Run the periodic jobs of CELERY_BEAT_SCHEDULE and the outbox relay in this process "
        "(the one-machine mode; make run starts it beside the web server)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--tick", type=float, default=2.0, help=_("Seconds between checks."))
        parser.add_argument("--once", action="store_true", help=_("Check once, then stop."))

    def handle(self, *args, tick: float, once: bool, **options):
        holder = f"{socket.gethostname()}:{os.getpid()}"
        ttl = timedelta(seconds=max(300, tick * 10))
        stop = threading.Event()
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, lambda *_: stop.set())
        # the jobs log what they did (core/scheduler.py); Celery's per-task line is noise here
        logging.getLogger("celery.app.trace").setLevel(logging.WARNING)
        waiting = False
        try:
            while not stop.is_set():
                if not connection.in_atomic_block:  # (a test's transaction)
                    close_old_connections()  # a long-lived process: drop stale connections
                try:
                    if lease_acquire(name=SCHEDULER_LEASE, holder=holder, ttl=ttl):
                        waiting = False
                        scheduler_tick()
                    elif not waiting:
                        waiting = True
                        logger.warning("another scheduler holds the lease; waiting")
                except DatabaseError:  # e.g. SQLite busy, or migrations not applied yet
                    logger.exception("scheduler tick failed")
                if once:
                    break
                stop.wait(tick)
        finally:
            try:
                lease_release(name=SCHEDULER_LEASE, holder=holder)
            except DatabaseError:
                pass
