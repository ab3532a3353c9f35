from django.db import models
from django.utils.translation import gettext_lazy as _


class CatalogGeneration(models.Model):
    """
    One row counting the catalogue's writes: every write service bumps it in its own
    transaction (``catalog.memo.writes_catalogue``), so that the memo's fingerprint changes
    with every write, even when the clock repeats a timestamp (a frozen clock in tests, a
    clock set back) and a row's count, highest id and latest change stay as they were.
    """

    number = models.BigIntegerField(_("number"), default=0)

    class Meta:
        verbose_name = _("catalogue generation")
        verbose_name_plural = _("catalogue generations")

    def __str__(self) -> str:
        return str(self.number)
