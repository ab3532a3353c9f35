"""A service centre's jurisdiction: its GB/T 2260 region and every sub-region."""

import pytest

from kaigong.accounts.roles import Role
from kaigong.accounts.selectors import (
    region_contains,
    region_prefix,
    user_in_jurisdiction,
    user_jurisdiction_prefixes,
)
from kaigong.accounts.tests.factories import ServiceCenterFactory, user_with_role


@pytest.mark.parametrize(
    ("code", "prefix"),
    [
        ("370000", "37"),  # 山东省
        ("370700", "3707"),  # 潍坊市
        ("370702", "370702"),  # 潍城区
        ("371321", "371321"),  # 沂南县
        ("371321100", "371321100"),  # a town of 沂南
        ("371321000", "371321"),  # the county's code in nine digits
        ("371321100000", "371321100"),  # the town in twelve
        ("", ""),
    ],
)
def test_the_prefix_drops_the_zero_groups_of_the_levels_below(code, prefix):
    assert region_prefix(code) == prefix


@pytest.mark.parametrize(
    ("outer", "inner", "inside"),
    [
        ("370700", "370702", True),  # a district of the city
        ("370700", "370700", True),
        ("370700", "371321", False),  # another city of the province
        ("370000", "371321", True),
        ("371321", "371321100", True),  # a town of the county
        ("371321", "371322", False),
        ("", "371321", False),
    ],
)
def test_a_region_contains_its_sub_regions_only(outer, inner, inside):
    assert region_contains(outer, inner) is inside


@pytest.mark.django_db
def test_a_clerk_s_jurisdiction_is_its_centre_s_region():
    # given a clerk of the 潍坊 city centre and a helper of the 沂南 county centre
    clerk = user_with_role(
        Role.WINDOW_CLERK, service_center=ServiceCenterFactory(region_code="370700")
    )
    helper = user_with_role(Role.HELPER, service_center=ServiceCenterFactory(region_code="371321"))

    # then the clerk's jurisdiction is 潍坊 and its districts; a helper has none by default
    assert user_jurisdiction_prefixes(clerk) == {"3707"}
    assert user_in_jurisdiction(clerk, "370702") is True
    assert user_in_jurisdiction(clerk, "371321") is False
    assert user_jurisdiction_prefixes(helper) == set()
    assert user_jurisdiction_prefixes(helper, [Role.HELPER]) == {"371321"}
