import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

# Monday 2026-03-02, 10:00 in Shanghai: a plain working week.
MONDAY = dt.datetime(2026, 3, 2, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture
def monday():
    with time_machine.travel(MONDAY, tick=False) as traveller:
        yield traveller


@pytest.fixture(autouse=True)
def _key_dir(settings, tmp_path):
    settings.KAIGONG_KEY_DIR = tmp_path / "keys"
    return settings.KAIGONG_KEY_DIR
