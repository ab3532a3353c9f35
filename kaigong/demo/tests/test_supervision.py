"""
The demo, as a supervisor finds it: red, yellow and green items, open 督办 orders, a week of
denials awaiting audit, and the 沂南 reform figures of the seed (seeds/000: 16 → 10 materials,
5 → 1 visits, 15 → 3 steps, over 60 % less time) computed from the catalogue, not typed.
"""

import pytest

from kaigong.catalog.selectors import bundle_get_by_code
from kaigong.core.clock import local_date
from kaigong.demo.data.yinan import BUNDLE_CODE
from kaigong.demo.loader import demo_load
from kaigong.supervision.constants import OrderStatus
from kaigong.supervision.models import AuditBatch, AuditEntry, SupervisionOrder
from kaigong.supervision.selectors import colour_counts
from kaigong.supervision.stats import reform_metrics


@pytest.mark.django_db
def test_the_demo_has_work_for_a_supervisor_and_the_seeds_reform_figures():
    demo_load()
    colours = colour_counts(None, on=local_date())
    assert colours["red"] > 0 and colours["yellow"] > 0 and colours["green"] > 0
    assert SupervisionOrder.objects.filter(status=OrderStatus.OPEN).exists()
    assert AuditEntry.objects.filter(finding="").count() >= 2  # a refusal and corrections
    assert AuditBatch.objects.filter(confirmed_at__isnull=True).exists()

    yinan = reform_metrics(bundle_get_by_code(BUNDLE_CODE))
    assert (yinan["materials_before"], yinan["materials_after"]) == (16, 10)
    assert (yinan["visits_before"], yinan["visits_after"]) == (5, 1)
    assert (yinan["steps_before"], yinan["steps_after"]) == (15, 3)
    # promised limits 5 + 5 + 5 + 5 + 7 = 27 one after another; the bundle promises 7
    assert (yinan["promised_days_before"], yinan["promised_days_after"]) == (27, 7)
    assert yinan["time_saved_percent"] > 60

    # loading again changes nothing of supervision (idempotent)
    orders = SupervisionOrder.objects.count()
    demo_load()
    assert SupervisionOrder.objects.count() == orders
