"""
Integration pages for the platform administrator (``catalog_admin`` or a superuser):
webhook subscriptions and their deliveries (rotate a secret, pause, replay), the e-licence
pushes and the SPGL exchange runs. Anyone else: 404. Writes go through the services
(audited).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kaigong.core.exceptions import DomainError, NotFound
from kaigong.core.selectors import outbox_relay_status
from kaigong.integrations import selectors, services
from kaigong.integrations.models import ElicencePush
from kaigong.web.forms import domain_error_to_form

from .forms import TOPIC_LABELS, SubscriptionForm

T = "web/integrations/"


def _subscription(request, public_id):
    try:
        return selectors.webhook_subscription_get_for(request.user, public_id)
    except NotFound:
        raise Http404 from None


@login_required
def integrations_home(request: HttpRequest) -> HttpResponse:
    try:
        subscriptions = list(selectors.webhook_subscription_list_for(request.user))
    except NotFound:
        raise Http404 from None
    form = SubscriptionForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            subscription = services.webhook_subscription_create(
                actor=request.user, **form.cleaned_data
            )
        except DomainError as error:
            domain_error_to_form(form, error)
        else:
            messages.success(
                request,
                _("Subscribed. The signing secret is shown once: %(secret)s")
                % {"secret": subscription.secret},
            )
            return redirect("web:integrations-webhook", public_id=subscription.public_id)
    return render(
        request,
        T + "home.html",
        {
            "subscriptions": subscriptions,
            "form": form,
            "relay": outbox_relay_status(),
            "topic_labels": TOPIC_LABELS,
            "elicence": ElicencePush.objects.order_by("-pushed_at")[:20],
            "runs": selectors.exchange_run_list_for(request.user)[:10],
            "errors": selectors.exchange_row_list_for(request.user, errors_only=True)[:20],
        },
    )


@login_required
def webhook_detail(request: HttpRequest, public_id) -> HttpResponse:
    subscription = _subscription(request, public_id)
    deliveries = selectors.webhook_delivery_list_for(request.user, subscription=subscription)
    return render(
        request,
        T + "webhook.html",
        {
            "subscription": subscription,
            "deliveries": deliveries[:50],
            "topic_labels": TOPIC_LABELS,
        },
    )


@login_required
@require_POST
def webhook_rotate(request: HttpRequest, public_id) -> HttpResponse:
    subscription = _subscription(request, public_id)
    rotated = services.webhook_secret_rotate(actor=request.user, subscription=subscription)
    messages.success(
        request,
        _("New secret (shown once): %(secret)s. The old one signs beside it until %(until)s.")
        % {
            "secret": rotated.secret,
            "until": f"{rotated.previous_secret_until:%Y-%m-%d %H:%M}",
        },
    )
    return redirect("web:integrations-webhook", public_id=public_id)


@login_required
@require_POST
def webhook_toggle(request: HttpRequest, public_id) -> HttpResponse:
    subscription = _subscription(request, public_id)
    services.webhook_subscription_update(
        actor=request.user, subscription=subscription, active=not subscription.active
    )
    return redirect("web:integrations-webhook", public_id=public_id)


@login_required
@require_POST
def webhook_replay(request: HttpRequest, public_id, delivery_id: int) -> HttpResponse:
    subscription = _subscription(request, public_id)
    try:
        delivery = selectors.webhook_delivery_get_for(
            request.user, delivery_id, subscription=subscription
        )
    except NotFound:
        raise Http404 from None
    services.webhook_deliveries_replay(
        actor=request.user, subscription=subscription, deliveries=[delivery]
    )
    messages.success(request, _("The delivery will be sent again within seconds."))
    return redirect("web:integrations-webhook", public_id=public_id)
