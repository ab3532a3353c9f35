from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _


class LoginForm(AuthenticationForm):
    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _("The user name or password is wrong."),
    }


def domain_error_to_form(form, error) -> None:
    """Put a service's DomainError on a form: per field where it names one, else on the form."""
    placed = False
    for param in error.invalid_params:
        name = str(param.get("name", "")).split(".")[0]
        if name in form.fields:
            form.add_error(name, str(param.get("reason")))
            placed = True
    if not placed:
        form.add_error(None, str(error.message))
