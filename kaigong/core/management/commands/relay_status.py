"""``manage.py relay_status``: the outbox relay's lag and backlog (exit 1 over --max-lag)."""

import json
import sys

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kaigong.core.selectors import outbox_relay_status


class Command(BaseCommand):
    help = gettext_lazy("Show the outbox relay's lag, backlog and dead letters.")

    def add_arguments(self, parser):
        parser.add_argument("--json", action="store_true", help=gettext_lazy("Print JSON."))
        parser.add_argument(
            "--max-lag",
            type=float,
            default=None,
            help=gettext_lazy("Exit with status 1 when the lag exceeds these seconds."),
        )

    def handle(self, *args, **options):
        status = outbox_relay_status()
        if options["json"]:
            self.stdout.write(json.dumps(status, default=str, ensure_ascii=False))
        else:
            self.stdout.write(
                _(
                    "Relay lag: %(lag).0f s; waiting messages: %(waiting)d "
                    "(not dispatched: %(undispatched)d); pending deliveries: %(pending)d; "
                    "dead letters: %(dead)d"
                )
                % {"lag": status["lag_seconds"], **status}
            )
            for name, counts in sorted(status["consumers"].items()):
                self.stdout.write(
                    "  "
                    + _("%(consumer)s: delivered %(delivered)d, pending %(pending)d, dead %(dead)d")
                    % {"consumer": name, **counts}
                )
        if options["max_lag"] is not None and status["lag_seconds"] > options["max_lag"]:
            sys.exit(1)
