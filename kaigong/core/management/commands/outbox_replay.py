"""``manage.py outbox_replay``: deliver dead letters (or chosen messages) again."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kaigong.core.models import DeliveryStatus, OutboxDelivery
from kaigong.core.relay import outbox_delivery_replay


class Command(BaseCommand):
    help = gettext_lazy(
        "Replay outbox deliveries: every dead letter, or those of the given message ids."
    )

    def add_arguments(self, parser):
        parser.add_argument("message_ids", nargs="*", type=int)
        parser.add_argument("--consumer", default="", help=gettext_lazy("Only this consumer."))
        parser.add_argument(
            "--dead", action="store_true", help=gettext_lazy("Replay every dead letter.")
        )

    def handle(self, *args, message_ids, consumer, dead, **options):
        if not message_ids and not dead:
            raise CommandError(_("Give message ids, or --dead for every dead letter."))
        deliveries = OutboxDelivery.objects.all()
        if message_ids:
            deliveries = deliveries.filter(message_id__in=message_ids)
        if dead:
            deliveries = deliveries.filter(status=DeliveryStatus.DEAD)
        if consumer:
            deliveries = deliveries.filter(consumer=consumer)
        count = outbox_delivery_replay(deliveries=list(deliveries), actor=None)
        self.stdout.write(_("%(count)d deliveries will be attempted again.") % {"count": count})
