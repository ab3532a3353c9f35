"""What the application pages share: loading through visibility, errors onto forms."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest

from kaigong.cases.selectors import case_get_for, item_get_for
from kaigong.core.exceptions import DomainError, NotFound
from kaigong.core.exceptions import PermissionDenied as DomainPermissionDenied

T = "web/cases/"


def load_case(request: HttpRequest, public_id):
    try:
        return case_get_for(request.user, public_id)
    except NotFound:
        raise Http404 from None


def load_item(request: HttpRequest, public_id):
    try:
        return item_get_for(request.user, public_id)
    except NotFound:
        raise Http404 from None


def form_errors(form, error: DomainError) -> None:
    """Put a service's error on the form: on the fields it names, and always on top."""
    if isinstance(error, DomainPermissionDenied) and form is None:
        raise DjangoPermissionDenied(str(error.message))
    form.add_error(None, str(error.message))
    for param in error.invalid_params:
        name = str(param.get("name", "")).split(".")[0]
        if name in form.fields:
            form.add_error(name, str(param.get("reason")))
