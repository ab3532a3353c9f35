"""
The header navigation, one per role (DESIGN.md §3): a user sees the links of the roles held,
applicants never a staff link; supervisors the staff pages under staff titles (read-only).
Also ``region_name``: a GB/T 2260 code shown by its name.
"""

from __future__ import annotations

from django import template
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from kaigong.accounts.regions import region_full_name
from kaigong.accounts.roles import Role
from kaigong.accounts.selectors import user_roles

register = template.Library()

# role → its links, (url name, label); the order of roles is the order in the header
NAV: dict[str, tuple[tuple[str, object], ...]] = {
    Role.APPLICANT: (
        ("web:project-list", _("My projects")),
        ("web:case-list", _("My applications")),
        ("web:certificate-library", _("My certificates")),
        ("web:assistance-mandates", _("Mandates")),
        ("web:assistance-policies", _("Policies")),
        ("web:assistance-questions", _("Ask an expert")),
        ("web:complaint-list", _("办不成事 window")),
        ("web:marketplace-requests", _("Intermediary services")),
        ("web:credit", _("Credit records")),
        ("web:inspection-list", _("Site inspections")),
        ("web:joint-review-list", _("Joint reviews")),
    ),
    Role.HELPER: (
        ("web:assistance-workbench", _("Helper workbench")),
        ("web:project-list", _("Assisted projects")),
        ("web:case-list", _("Assisted applications")),
        ("web:enterprise-register", _("Register an enterprise on its behalf")),
    ),
    Role.WINDOW_CLERK: (
        ("web:window-queue", _("Window queue")),
        ("web:assistance-pre-reviews", _("Pre-reviews")),
        ("web:assistance-suggestions", _("Suggestions")),
        ("web:enterprise-register", _("Register an enterprise on its behalf")),
        ("web:complaint-list", _("办不成事 window")),
    ),
    Role.REVIEWER: (
        ("web:workbench", _("Review workbench")),
        ("web:inspection-list", _("Site inspections")),
        ("web:joint-review-list", _("Joint reviews")),
    ),
    Role.APPROVER: (
        ("web:workbench", _("Decision workbench")),
        ("web:postapproval-work", _("Post-approval checks")),
        ("web:credit", _("Credit records")),
    ),
    Role.INSPECTOR: (
        ("web:workbench", _("Inspection worklist")),
        ("web:inspection-list", _("Site inspections")),
        ("web:postapproval-work", _("Post-approval checks")),
    ),
    Role.SUPERVISOR: (
        ("web:supervision", _("Supervision dashboard")),
        ("web:supervision-registers", _("Denial registers")),
        ("web:window-queue", _("Window queue (supervision)")),
        ("web:workbench", _("Worklist (supervision)")),
        ("web:archive-ledger", _("Archive ledger")),
        ("web:feedback-worklist", _("Rectification tickets")),
        ("web:complaint-list", _("办不成事 window")),
        ("web:marketplace-signals", _("Marketplace signals")),
        ("web:postapproval-work", _("Post-approval checks")),
        ("web:credit", _("Credit records")),
    ),
    Role.CATALOG_ADMIN: (
        ("admin:index", _("Catalogue administration")),
        ("web:integrations-home", _("Integrations")),
        ("web:inspection-standards", _("Inspection standards")),
        ("web:expert-pool", _("Expert pool")),
    ),
    Role.CENTRE_ADMIN: (
        ("web:staffadmin-list", _("Staff accounts")),
        ("web:feedback-worklist", _("Rectification tickets")),
        ("web:complaint-list", _("办不成事 window")),
        ("web:marketplace-requests", _("Marketplace")),
        ("web:marketplace-review", _("Agencies awaiting review")),
        ("web:marketplace-objections", _("Objections to selections")),
        ("web:marketplace-sanctions", _("Agency sanctions")),
        ("web:marketplace-signals", _("Marketplace signals")),
    ),
    Role.DEPARTMENT_HEAD: (
        ("web:supervision", _("My department's supervision")),
        ("web:supervision-orders", _("Supervision orders")),
        ("web:supervision-registers", _("Denial registers")),
        ("web:assistance-policies", _("Policies")),
        ("web:assistance-suggestions", _("Suggestions")),
        ("web:assistance-questions", _("Consultations")),
        ("web:feedback-worklist", _("Rectification tickets")),
        ("web:complaint-list", _("办不成事 window")),
        ("web:postapproval-work", _("Post-approval checks")),
    ),
    Role.EXPERT: (
        ("web:assistance-questions", _("Consultations")),
        ("web:joint-review-list", _("Joint reviews")),
    ),
    Role.CALLBACK_AGENT: (
        ("web:feedback-callbacks", _("Callback list")),
        ("web:feedback-worklist", _("Rectification tickets")),
        ("web:complaint-list", _("办不成事 window")),
    ),
    Role.INTERMEDIARY: (
        ("web:marketplace-requests", _("Marketplace requests")),
        ("web:marketplace-sanctions", _("Sanctions on my agency")),
    ),
}


def nav_links(user) -> list[dict]:
    """The links of every role the user holds, each URL once, in role order."""
    held = user_roles(user)
    links: list[dict] = []
    seen: set[str] = set()
    for role, entries in NAV.items():
        if role not in held:
            continue
        for name, label in entries:
            url = reverse(name)
            if url in seen:
                continue
            seen.add(url)
            links.append({"url": url, "label": label, "role": str(role)})
    if getattr(user, "is_authenticated", False):
        links.append({"url": reverse("web:inbox"), "label": _("Inbox"), "role": ""})
    return links


# How many of a user's links stay in the header row; the rest open from 更多 (a <details>
# menu, no script), grouped under the role that brings them when the user holds several.
# Before this, an applicant's 12 links wrapped the header to four rows on a phone.
PRIMARY_LINKS = 3


def nav_menu(user) -> dict:
    """The header's links split in two: the first few (and the inbox) in the row, the rest in
    groups for the 更多 menu, one group per role in role order."""
    links = nav_links(user)
    inbox = [link for link in links if not link["role"]]
    role_links = [link for link in links if link["role"]]
    primary, rest = role_links[:PRIMARY_LINKS], role_links[PRIMARY_LINKS:]
    labels = dict(Role.choices)
    groups: list[dict] = []
    for link in rest:
        if not groups or groups[-1]["role"] != link["role"]:
            groups.append(
                {"role": link["role"], "label": labels.get(link["role"], ""), "links": []}
            )
        groups[-1]["links"].append(link)
    titled = len({link["role"] for link in role_links}) > 1
    return {"primary": primary + inbox, "groups": groups, "titled": titled}


@register.inclusion_tag("web/_nav.html", takes_context=True)
def role_nav(context) -> dict:
    request = context.get("request")
    user = getattr(request, "user", None) or context.get("user")
    menu = nav_menu(user) if user is not None else {"primary": [], "groups": [], "titled": False}
    return {**menu, "request": request}


@register.filter
def region_name(code: str) -> str:
    return region_full_name(code or "")
