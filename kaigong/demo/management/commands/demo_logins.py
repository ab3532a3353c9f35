"""``manage.py demo_logins``: the table of demo logins and where their password comes from."""

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from kaigong.demo.selectors import demo_login_list

DEFAULT_PASSWORD = "Kaigong@2026"  # the default of DEMO_PASSWORD in config/settings/base.py


class Command(BaseCommand):
    help = _("Print the demo logins (user name, role, organisation) and the password source.")

    def handle(self, *args, **options):
        rows = [row for row in demo_login_list() if row.exists]
        if not rows:
            self.stdout.write(_("No demo users yet: run manage.py demo_load."))
            return
        headers = (_("User name"), _("Full name"), _("Role"), _("Organisation"))
        table = [headers, *[(r.username, r.full_name, r.role, r.organisation) for r in rows]]
        widths = [max(_width(str(line[i])) for line in table) for i in range(len(headers))]
        for line in table:
            self.stdout.write(
                "  ".join(_pad(str(cell), width) for cell, width in zip(line, widths, strict=True))
            )
        if settings.DEMO_PASSWORD == DEFAULT_PASSWORD:
            source = _("the default of DEMO_PASSWORD: %(password)s") % {
                "password": DEFAULT_PASSWORD
            }
        else:
            source = _("the DEMO_PASSWORD environment variable (not shown)")
        self.stdout.write(_("Password of every demo user: %(source)s") % {"source": source})


def _width(text: str) -> int:
    """Display width: CJK characters take two columns."""
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))
