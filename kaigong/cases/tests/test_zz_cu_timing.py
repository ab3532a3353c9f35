import time

import pytest

from kaigong.cases.tests.factories import CaseFactory, lifecycle_world


@pytest.mark.django_db
def test_t(monday):
    t = time.perf_counter()
    w = lifecycle_world()
    print("world", time.perf_counter() - t)
    t = time.perf_counter()
    c = CaseFactory(world=w, accepted=True)
    print(
        "accepted",
        time.perf_counter() - t,
        c.status,
        list(c.items.values_list("status", flat=True)),
    )
    t = time.perf_counter()
    c = CaseFactory(world=w, issued=True)
    print("issued", time.perf_counter() - t, c.status)
