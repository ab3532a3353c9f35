"""The supervision test world: a 沂南 world with a department head, two supervisors, a red
case (accepted Monday 2 March 2026, seen ten days later) and a correction of the same week."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import cast

import time_machine

from kaigong.accounts.roles import Role
from kaigong.accounts.services import membership_grant
from kaigong.accounts.tests.factories import UserFactory
from kaigong.cases.models import Case
from kaigong.cases.tests.factories import CaseFactory, World, item_of, lifecycle_world

from .conftest import at


@dataclass
class SupWorld:
    world: World
    red_case: Case
    correction_case: Case
    head: object
    other_head: object
    supervisor2: object


def _user(role, name, **scope):
    user = UserFactory(username=name)
    membership_grant(user=user, role=role, **scope)
    return user


def supervision_world(tag: str = "") -> SupWorld:
    with time_machine.travel(at(2026, 3, 2), tick=False):
        world = lifecycle_world()
        red = cast(Case, CaseFactory(world=world, accepted=True))
        correction = cast(Case, CaseFactory(world=world, correction_requested=True))
    d1, d2, _d3 = world.departments
    return SupWorld(
        world=world,
        red_case=red,
        correction_case=correction,
        head=_user(Role.DEPARTMENT_HEAD, f"head{tag}{d1.pk}", department=d1),
        other_head=_user(Role.DEPARTMENT_HEAD, f"ohead{tag}{d2.pk}", department=d2),
        supervisor2=_user(Role.SUPERVISOR, f"sup2{tag}{d1.pk}"),
    )


SEEN_ON = date(2026, 3, 12)  # Thursday: (2 Mar, 12 Mar] = 8 working days against 5


def m1(sw: SupWorld):
    return item_of(sw.red_case, "M1")
