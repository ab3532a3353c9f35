"""A marketplace world: the 沂南 lifecycle world, a centre administrator, listed agencies."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import cast

from django.utils import timezone

from kaigong.accounts.models import Enterprise, User
from kaigong.accounts.roles import Role
from kaigong.accounts.services import membership_grant
from kaigong.accounts.tests.factories import EnterpriseFactory, UserFactory, make_uscc
from kaigong.cases.tests.factories import World, lifecycle_world
from kaigong.marketplace.services import (
    agency_register,
    agency_review,
    qualification_add,
    service_request_open,
)

QUAL = "工程设计资质"


@dataclass
class Market:
    world: World
    centre_admin: object
    agencies: list
    intermediaries: list


def market_world(n_agencies: int = 4, world: World | None = None) -> Market:
    world = world or lifecycle_world()
    admin = cast(User, UserFactory(username=f"centreadmin{world.enterprise.pk}"))
    membership_grant(user=admin, role=Role.CENTRE_ADMIN, service_center=world.centre)
    agencies, people = [], []
    for i in range(n_agencies):
        enterprise = cast(
            Enterprise,
            EnterpriseFactory(
                name=f"中介{i + 1}号设计院", uscc=make_uscc(700000 + world.enterprise.pk * 10 + i)
            ),
        )
        person = cast(User, UserFactory(username=f"agent{world.enterprise.pk}x{i}"))
        membership_grant(user=person, role=Role.INTERMEDIARY, enterprise=enterprise)
        agency = agency_register(
            actor=person,
            enterprise=enterprise,
            service_types=["设计"],
            contact_phone=f"1380000000{i}",
            staff=[{"name": f"工程师{i}", "certificate_no": f"ZC-{i}"}],
        )
        qualification_add(
            actor=person,
            agency=agency,
            kind=QUAL,
            level="甲级",
            certificate_no=f"Q{i}",
            valid_to=date(2030, 1, 1),
        )
        agencies.append(agency_review(actor=admin, agency=agency, approve=True))
        people.append(person)
    return Market(world=world, centre_admin=admin, agencies=agencies, intermediaries=people)


def open_request(market: Market, *, method="random", funds="fiscal", hours=(2, 3), **kw):
    now = timezone.now()
    defaults = dict(
        actor=market.world.applicant,
        project=market.world.project,
        title="设计图纸编制",
        service_type="设计",
        funds_type=funds,
        method=method,
        price_min=Decimal("10000"),
        price_max=Decimal("50000"),
        registration_closes_at=now + timedelta(hours=hours[0]),
        choice_at=now + timedelta(hours=hours[1]),
        witnesses=["李四（见证人）"],
        qualification_kind=QUAL,
        material_code="m-drawings",
    )
    defaults.update(kw)
    return service_request_open(**defaults)
