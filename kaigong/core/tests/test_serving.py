"""A served process's collector (kaigong/core/serving.py): tuned once loaded, unless turned off."""

import gc

import pytest

from kaigong.core.serving import THRESHOLDS, tune_collector


@pytest.fixture
def collector():
    """CPython's collector as the test found it, given back afterwards."""
    before = gc.get_threshold()
    gc.unfreeze()
    yield
    gc.unfreeze()
    gc.set_threshold(*before)


def test_a_served_process_freezes_its_start_up_objects_and_raises_the_young_threshold(
    settings, collector
):
    settings.KAIGONG_GC_TUNING = True

    assert tune_collector() is True

    assert gc.get_threshold() == THRESHOLDS
    assert gc.get_threshold()[0] > 700  # CPython's default young threshold
    # what the process held once loaded (the URLconf's views among it) is out of the
    # collector's sight
    assert gc.get_freeze_count() > 10_000


def test_turned_off_it_keeps_cpythons_collector(settings, collector):
    settings.KAIGONG_GC_TUNING = False
    gc.set_threshold(700, 10, 10)

    assert tune_collector() is False

    assert gc.get_threshold() == (700, 10, 10)
    assert gc.get_freeze_count() == 0
