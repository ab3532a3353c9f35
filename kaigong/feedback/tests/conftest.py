"""Feedback test worlds: the cases lifecycle world plus the centre's feedback staff."""

from __future__ import annotations

import pytest

from kaigong.accounts.roles import Role
from kaigong.cases.tests.conftest import _key_dir, monday  # noqa: F401 - fixtures
from kaigong.cases.tests.factories import _user


def feedback_staff(world) -> None:
    """Add the centre's callback agent and administrator and D1's department head."""
    tag = world.enterprise.pk
    world.users["callback"] = _user(
        Role.CALLBACK_AGENT, f"callback{tag}", service_center=world.centre
    )
    world.users["centre_admin"] = _user(
        Role.CENTRE_ADMIN, f"cadmin{tag}", service_center=world.centre
    )
    world.users["head1"] = _user(
        Role.DEPARTMENT_HEAD, f"head1x{tag}", department=world.departments[0]
    )


@pytest.fixture(autouse=True)
def _indicator_sets(db):
    """The migration seeds the indicator sets; a flushing test elsewhere removes them."""
    from kaigong.feedback.services.evaluations import indicator_sets_ensure

    indicator_sets_ensure()
