"""
Hooks that let apps above ``projects`` tell it things without being imported.

The certificates app registers, in its ``AppConfig.ready()``, a function that returns
the certificate type codes an enterprise holds valid certificates of; the guide uses it
to mark materials a held certificate replaces (免提交). Without a provider the answer is
an empty set.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

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


# --- Case progress (服务专码 tracking, plan against actual) ----------------------------------
# The cases app sits above projects. It registers, in its AppConfig.ready(), a
# function returning, for a project, one dict per case item with the keys it knows of:
#   matter_code, matter_name, department_name, status, status_label, due_on (date),
#   warning ("green" | "yellow" | "red" | ""), next_step, started_on, concluded_on,
#   submitted_materials (list of material names)
CaseProgressProvider = Callable[[Any], list[Mapping[str, Any]]]

_progress_provider: CaseProgressProvider | None = None


def set_case_progress_provider(fn: CaseProgressProvider | None) -> None:
    global _progress_provider
    _progress_provider = fn


def case_progress(project: Any) -> list[Mapping[str, Any]]:
    """Progress rows of the project's cases; empty when none exist or cases is absent."""
    if _progress_provider is None:
        return []
    return list(_progress_provider(project))


def case_actuals(project: Any) -> dict[str, dict[str, Any]]:
    """matter code → {"start_on", "end_on", "status"} for ``timeline.build_timeline``."""
    actuals: dict[str, dict[str, Any]] = {}
    for row in case_progress(project):
        code = row.get("matter_code")
        if code:
            actuals[code] = {
                "start_on": row.get("started_on"),
                "end_on": row.get("concluded_on"),
                "status": row.get("status_label") or row.get("status"),
            }
    return actuals


# --- Certificates still held (the track page says which and why) ---------------------------
# The certificates app registers, in its AppConfig.ready(), a function returning, for a
# project, one dict per certificate still held: {"name": type name, "reasons": [text]}.
CertificateHoldsProvider = Callable[[Any], list[Mapping[str, Any]]]

_holds_provider: CertificateHoldsProvider | None = None


def set_certificate_holds_provider(fn: CertificateHoldsProvider | None) -> None:
    global _holds_provider
    _holds_provider = fn


def certificate_holds(project: Any) -> list[Mapping[str, Any]]:
    """Certificates of the project not yet released, with why; empty without a provider."""
    if _holds_provider is None:
        return []
    return list(_holds_provider(project))
