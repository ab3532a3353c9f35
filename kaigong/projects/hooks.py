"""
Hooks that let apps above ``projects`` tell it things without being imported.

The certificates app registers, in its ``AppConfig.ready()``, a function that returns
the certificate type codes an enterprise holds valid certificates of; the guide uses it
to mark materials a held certificate replaces (免提交). Without a provider the answer is
an empty set.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kaigong.accounts.models import Enterprise

HeldCertificatesProvider = Callable[["Enterprise"], set[str]]

_provider: HeldCertificatesProvider | None = None


def set_held_certificate_types_provider(fn: HeldCertificatesProvider | None) -> None:
    """Register (or, with None, remove) the provider of held certificate type codes."""
    global _provider
    _provider = fn


def held_certificate_type_codes(enterprise: Enterprise) -> set[str]:
    """Codes of the certificate types ``enterprise`` holds valid certificates of."""
    if _provider is None:
        return set()
    return set(_provider(enterprise))
