"""Verify every case's SM3 event chain; name each break; exit non-zero on any break."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from kaigong.cases.services.events import case_event_chains_verify


class Command(BaseCommand):
    help = "Verify the SM3-chained history of every case and name any break."

    def handle(self, *args, **options):
        breaks = case_event_chains_verify()
        for found in breaks:
            self.stderr.write(
                _("Broken chain: case %(case)s at event %(seq)s (%(reason)s)")
                % {"case": found.case_number, "seq": found.seq, "reason": found.reason}
            )
        if breaks:
            raise CommandError(
                _("%(count)s case history chain(s) broken.") % {"count": len(breaks)}
            )
        self.stdout.write(_("Every case history chain verifies."))
