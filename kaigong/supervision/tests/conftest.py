import datetime as dt
from zoneinfo import ZoneInfo

import pytest

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(y, m, d, h=10):
    return dt.datetime(y, m, d, h, 0, tzinfo=SHANGHAI)


@pytest.fixture(autouse=True)
def _key_dir(settings, tmp_path):
    settings.KAIGONG_KEY_DIR = tmp_path / "keys"
    return settings.KAIGONG_KEY_DIR
