"""Issue the official documents that events are owed and do not have (idempotent)."""

from django.core.management.base import BaseCommand

from kaigong.documents.services import documents_issue_missing


class Command(BaseCommand):
    help = (
        "Issue every official document (受理通知书, 补正告知书, 决定书 …) whose event has no "
        "document yet, e.g. after a failed render or before the integrity key existed."
    )

    def handle(self, *args, **options):
        issued = documents_issue_missing()
        self.stdout.write(f"{issued} document(s) issued")
