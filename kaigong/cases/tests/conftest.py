import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

SHANGHAI = ZoneInfo("Asia/Shanghai")
# Monday 2026-03-02, 10:00 in Shanghai: a plain working week (no holiday until 4 April).
MONDAY = dt.datetime(2026, 3, 2, 10, 0, tzinfo=SHANGHAI)


@pytest.fixture
def monday():
    """Pin the clock to Monday 2026-03-02 10:00 (Asia/Shanghai); yields the traveller."""
    with time_machine.travel(MONDAY, tick=False) as traveller:
        yield traveller


@pytest.fixture(autouse=True)
def _key_dir(settings, tmp_path):
    settings.KAIGONG_KEY_DIR = tmp_path / "keys"
    return settings.KAIGONG_KEY_DIR
