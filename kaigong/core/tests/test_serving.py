"""A served process's collector (kaigong/core/serving.py): frozen once loaded, unless turned off."""

import gc

import pytest

from kaigong.core.serving import tune_collector


@pytest.fixture
def collector():
    """CPython's collector as the test found it, given back afterwards."""
    gc.unfreeze()
    yield
    gc.unfreeze()


def test_a_served_process_freezes_what_it_holds_once_loaded(settings, collector):
    settings.KAIGONG_GC_TUNING = True

    assert tune_collector() is True

    # what the process held once loaded (the URLconf's views among it) is out of the
    # collector's sight, and a full collection walks only what was made since
    assert gc.get_freeze_count() > 10_000
    assert len(gc.get_objects()) < gc.get_freeze_count()


def test_turned_off_it_keeps_cpythons_collector(settings, collector):
    settings.KAIGONG_GC_TUNING = False

    assert tune_collector() is False

    assert gc.get_freeze_count() == 0
