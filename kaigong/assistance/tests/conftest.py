import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from kaigong.cases.tests.conftest import monday  # noqa: F401 - fixture

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(year, month, day, hour=10):
    return dt.datetime(year, month, day, hour, 0, tzinfo=SHANGHAI)


@pytest.fixture
def travel():
    """``travel(datetime)`` pins the clock there until the test ends."""
    machines = []

    def go(when):
        machine = time_machine.travel(when, tick=False)
        machine.start()
        machines.append(machine)

    yield go
    for machine in reversed(machines):
        machine.stop()


@pytest.fixture(autouse=True)
def _key_dir(settings, tmp_path):
    settings.KAIGONG_KEY_DIR = tmp_path / "keys"
    return settings.KAIGONG_KEY_DIR
