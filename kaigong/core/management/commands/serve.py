"""
``manage.py serve``: the product on one machine (``make run``).

gunicorn with uvicorn's worker on ``config.asgi`` (docs/adr/0003), and beside it one
``manage.py run_embedded`` for the periodic jobs and the outbox relay. ``--dev`` serves
Django's development server instead (``make dev``). Ctrl-C or SIGTERM stops both.
"""

import signal
import subprocess
import sys
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


class Command(BaseCommand):
    help = _("Serve the site with the embedded runner beside it (make run; --dev for make dev).")

    def add_arguments(self, parser):
        parser.add_argument("--bind", default="127.0.0.1:8000", help=_("Address and port."))
        parser.add_argument("--workers", type=int, default=2, help=_("Web worker processes."))
        parser.add_argument("--dev", action="store_true", help=_("Development server instead."))
        parser.add_argument(
            "--no-runner", action="store_true", help=_("Do not start the embedded runner.")
        )

    def handle(self, *args, bind: str, workers: int, dev: bool, no_runner: bool, **options):
        base = Path(settings.BASE_DIR)
        python = sys.executable
        manage = str(base / "manage.py")
        if dev:
            web_cmd = [python, manage, "runserver", bind]
        else:
            web_cmd = [
                str(Path(python).with_name("gunicorn")),
                "--config", str(base / "deploy" / "gunicorn.conf.py"),
                "--worker-class", "uvicorn_worker.UvicornWorker",
                "--bind", bind,
                "--workers", str(workers),
                "config.asgi:application",
            ]  # fmt: skip
        runner_cmd = [python, manage, "run_embedded"]
        runner = None if no_runner else subprocess.Popen(runner_cmd, cwd=base)
        web = subprocess.Popen(web_cmd, cwd=base)
        stopping = False

        def children():
            return [child for child in (runner, web) if child is not None]

        def stop(*_args):
            nonlocal stopping
            stopping = True
            for child in children():
                if child.poll() is None:
                    child.send_signal(signal.SIGTERM)

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        try:
            while True:
                try:
                    code = web.wait(timeout=5)
                    break
                except subprocess.TimeoutExpired:
                    pass
                if runner is not None and runner.poll() is not None and not stopping:
                    self.stderr.write(
                        gettext("The embedded runner stopped (%(code)s); restarting it.")
                        % {"code": runner.returncode}
                    )
                    runner = subprocess.Popen(runner_cmd, cwd=base)
        finally:
            stop()
            for child in children():
                try:
                    child.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    child.kill()
        if code not in (0, -signal.SIGTERM, -signal.SIGINT):
            sys.exit(code)
