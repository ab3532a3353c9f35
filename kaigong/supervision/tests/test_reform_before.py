"""
Reform metrics: "before" from the catalogue version in force on the reform's base date (the day
before the bundle was set up) when there is one; the documented rule only when not.
"""

from datetime import date

import pytest
import time_machine

from kaigong.accounts.tests.factories import DepartmentFactory
from kaigong.catalog.constants import BundleKind
from kaigong.catalog.services import bundle_upsert, revision_publish
from kaigong.catalog.tests.factories import MaterialFactory, draft, revision
from kaigong.supervision.stats import reform_metrics

from .conftest import at

pytestmark = pytest.mark.django_db


def _publish(effective_on, versions):
    """versions: (matter code, promised limit, material codes)."""
    rev = revision(effective_on=effective_on)
    for code, promised, materials in versions:
        draft(
            rev, code, department=DEPT[0], promised=promised, statutory=30,
            requirements=[{"material": m} for m in materials],
        )  # fmt: skip
    revision_publish(revision=rev, actor=None)


DEPT: list = []


def _world():
    DEPT[:] = [DepartmentFactory()]
    for code in ("a", "b", "c", "d", "e"):
        MaterialFactory(code=code, name=f"材料{code}")


def _bundle():
    return bundle_upsert(
        code="reform-test", name="一件事", kind=BundleKind.THEME, lead_department=DEPT[0],
        items=[{"matter": "RA"}, {"matter": "RB"}], promised_limit=8,
    )  # fmt: skip


def test_before_comes_from_the_versions_of_the_base_date():
    _world()
    # 2020: RA needs a b c and promises 20 days, RB needs c d e and promises 15
    _publish(date(2020, 1, 1), [("RA", 20, "abc"), ("RB", 15, "cde")])
    # the bundle is set up on 1 June 2024 (base date 31 May 2024) …
    with time_machine.travel(at(2024, 6, 1), tick=False):
        bundle = _bundle()
    # … and the reform's versions take effect on 1 July 2024: RA a b (10 days), RB b c (6)
    _publish(date(2024, 7, 1), [("RA", 10, "ab"), ("RB", 6, "bc")])

    r = reform_metrics(bundle, on=date(2026, 3, 2))

    assert r["base_on"] == date(2024, 5, 31) and r["before_source"] == "catalogue"
    # before: the 2020 versions' rows, 3 + 3 = 6, and their limits 20 + 15 = 35
    assert (r["materials_before"], r["promised_days_before"]) == (6, 35)
    # after: today's versions merged (a, b, c = 3) and the bundle's 8 days
    assert (r["materials_after"], r["promised_days_after"]) == (3, 8)
    assert r["time_saved_percent"] == round(100 * 27 / 35, 1)
    assert [(v["version"], v["from_catalogue"]) for v in r["before_versions"]] == [
        (1, True), (1, True),
    ]  # fmt: skip


def test_without_a_version_on_the_base_date_the_rule_is_used_and_said():
    _world()
    with time_machine.travel(at(2024, 6, 1), tick=False):
        # the matters enter the catalogue only with the bundle (from 1 July 2024)
        _publish(date(2024, 7, 1), [("RA", 10, "ab"), ("RB", 6, "bc")])
        bundle = _bundle()

    r = reform_metrics(bundle, on=date(2026, 3, 2))

    # the rule: today's versions unmerged: 2 + 2 rows, limits 10 + 6 one after another
    assert r["before_source"] == "rule"
    assert (r["materials_before"], r["promised_days_before"]) == (4, 16)
    assert r["materials_after"] == 3


def test_one_matter_from_the_catalogue_the_other_by_the_rule_is_mixed(client):
    from kaigong.accounts.roles import Role
    from kaigong.accounts.services import membership_grant
    from kaigong.accounts.tests.factories import UserFactory

    _world()
    _publish(date(2020, 1, 1), [("RA", 20, "abc")])
    with time_machine.travel(at(2024, 6, 1), tick=False):
        _publish(date(2024, 6, 1), [("RB", 6, "bc")])
        bundle = _bundle()

    r = reform_metrics(bundle, on=date(2026, 3, 2))

    # RA's 2020 version (3 rows, 20 days) and RB's by the rule (2 rows, 6 days)
    assert r["before_source"] == "mixed"
    assert (r["materials_before"], r["promised_days_before"]) == (5, 26)

    # the page says which was used
    supervisor = UserFactory(username="reform-sup")
    membership_grant(user=supervisor, role=Role.SUPERVISOR)
    client.force_login(supervisor)
    html = client.get("/supervision/reform/").content.decode()
    assert "2024年5月31日" in html and "其余事项按规则" in html


def test_the_dashboard_carries_the_reform_figures():
    from kaigong.accounts.roles import Role
    from kaigong.accounts.services import membership_grant
    from kaigong.accounts.tests.factories import UserFactory
    from kaigong.supervision.selectors import dashboard

    _world()
    _publish(date(2020, 1, 1), [("RA", 20, "abc"), ("RB", 15, "cde")])
    with time_machine.travel(at(2024, 6, 1), tick=False):
        _bundle()
    _publish(date(2024, 7, 1), [("RA", 10, "ab"), ("RB", 6, "bc")])
    supervisor = UserFactory(username="reform-dash")
    membership_grant(user=supervisor, role=Role.SUPERVISOR)

    [row] = [
        r for r in dashboard(supervisor, on=date(2026, 3, 2))["reform"] if r["bundle"] == "一件事"
    ]

    assert (row["materials_before"], row["materials_after"]) == (6, 3)
    assert (row["promised_days_before"], row["promised_days_after"]) == (35, 8)
    assert row["before_source"] == "catalogue"
