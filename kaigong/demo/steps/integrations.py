"""
Demo step: one webhook subscription of the provincial data platform, paused (its endpoint
is an example address: resume it on /integrations/ after pointing it at a real receiver,
e.g. examples/webhook_receiver.py). Made by the catalogue keeper through the services.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from kaigong.demo.data import people
from kaigong.integrations.models import WebhookSubscription
from kaigong.integrations.services import (
    webhook_subscription_create,
    webhook_subscription_update,
)

if TYPE_CHECKING:
    from kaigong.demo.loader import DemoContext

NAME = "省工程建设项目审批管理系统（示例接收方）"


def load_integrations(context: DemoContext) -> None:
    if WebhookSubscription.objects.filter(name=NAME).exists():
        return
    actor = context.users[people.CATALOG_ADMIN_USERNAME]
    subscription = webhook_subscription_create(
        actor=actor,
        name=NAME,
        url="https://spgl.example.gov.cn/kaigong/webhooks",
        topics=["case.*", "certificates.*"],
    )
    webhook_subscription_update(actor=actor, subscription=subscription, active=False)
    context.count("webhook subscriptions")
