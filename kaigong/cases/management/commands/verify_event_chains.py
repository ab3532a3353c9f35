"""Verify every case's SM3 event chain and the signed checkpoints; name every break."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kaigong.cases.services.events import BreakKind, case_event_chains_verify

KIND_LABELS = {
    BreakKind.DELETED: gettext_lazy("event deleted"),
    BreakKind.EDITED: gettext_lazy("event edited"),
    BreakKind.TRUNCATED: gettext_lazy("history truncated"),
    BreakKind.HEAD_MISMATCH: gettext_lazy("chain head mismatch"),
    BreakKind.STATUS_MISMATCH: gettext_lazy("status mismatch"),
    BreakKind.CHECKPOINT_MISMATCH: gettext_lazy("checkpoint mismatch"),
    BreakKind.BAD_SIGNATURE: gettext_lazy("signature invalid"),
}


class Command(BaseCommand):
    help = (
        "Verify the SM3-chained history of every case, its row's head, count and status, and "
        "the SM2-signed checkpoints; name every break (case, position, kind)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--all-checkpoints",
            action="store_true",
            help="Also check the entries of every checkpoint, not only the latest valid one",
        )
        parser.add_argument(
            "--incremental",
            action="store_true",
            help="Check each case only from the latest valid signed checkpoint on (fast; "
            "run the full check as well, weekly)",
        )

    def handle(self, *args, **options):
        breaks = case_event_chains_verify(
            all_checkpoints=options["all_checkpoints"], incremental=options["incremental"]
        )
        for found in breaks:
            label = KIND_LABELS.get(found.reason, found.reason)
            reason = f"{found.reason}: {label}"
            if found.detail:
                reason += f"; {found.detail}"
            self.stderr.write(
                _("Broken chain: case %(case)s at event %(seq)s (%(reason)s)")
                % {"case": found.case_number, "seq": found.seq, "reason": reason}
            )
        if breaks:
            raise CommandError(_("%(count)s break(s) found.") % {"count": len(breaks)})
        self.stdout.write(_("Every case history chain verifies."))
