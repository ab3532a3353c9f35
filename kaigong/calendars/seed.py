"""
The national calendar as the ``chinesecalendar`` package knows it (docs/legal.md#holiday-notice), as rows.

PURE (no database): used by the data migration ``0002_seed_chinesecalendar`` and by the
``calendar_seed`` service, so both load exactly the same days. Only exceptions to
Monday–Friday become rows: every holiday on a weekday (``in_lieu`` when the package marks it
as a 调休 rest day) and every working weekend day (调休上班). Names are the package's Chinese
festival names (``get_holiday_detail``).

The sources are the State Council notices cited in the package's ``scripts/data.py``.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import chinese_calendar

from .constants import DayKind

ADJUSTED_SUFFIX = "调休上班"

# rule: docs/legal.md#holiday-notice — each year's arrangement is the General Office's notice. URLs as cited
# by chinesecalendar's data.py; notice numbers only where verified (2026: docs/legal.md#holiday-notice).
_SOURCE_URLS: dict[int, str] = {
    2004: "https://zh.wikisource.org/zh-hans/国务院办公厅关于2004年部分节假日安排的通知",
    2005: "https://zhidao.baidu.com/question/2299098.html",
    2006: "http://www.gov.cn/jrzg/2005-12/22/content_133837.htm",
    2007: "http://www.gov.cn/fwxx/sh/2006-12/18/content_471877.htm",
    2008: "http://www.gov.cn/zwgk/2007-12/18/content_837184.htm",
    2009: "http://www.gov.cn/zwgk/2008-12/10/content_1174014.htm",
    2010: "http://www.gov.cn/zwgk/2009-12/08/content_1482691.htm",
    2011: "http://www.gov.cn/zwgk/2010-12/10/content_1762643.htm",
    2012: "http://www.gov.cn/zwgk/2011-12/06/content_2012097.htm",
    2013: "http://www.gov.cn/zwgk/2012-12/10/content_2286598.htm",
    2014: "http://www.gov.cn/zwgk/2013-12/11/content_2546204.htm",
    2015: "http://www.gov.cn/zhengce/content/2014-12/16/content_9302.htm",
    2016: "http://www.gov.cn/zhengce/content/2015-12/10/content_10394.htm",
    2017: "http://www.gov.cn/zhengce/content/2016-12/01/content_5141603.htm",
    2018: "http://www.gov.cn/zhengce/content/2017-11/30/content_5243579.htm",
    2019: "http://www.gov.cn/xinwen/2018-12/06/content_5346287.htm",
    2020: "http://www.gov.cn/zhengce/content/2019-11/21/content_5454164.htm",
    2021: "http://www.gov.cn/zhengce/content/2020-11/25/content_5564127.htm",
    2022: "http://www.gov.cn/zhengce/content/2021-10/25/content_5644835.htm",
    2023: "http://www.gov.cn/zhengce/content/2022-12/08/content_5730844.htm",
    2024: "https://www.gov.cn/zhengce/content/202310/content_6911527.htm",
    2025: "https://www.gov.cn/zhengce/content/202411/content_6986382.htm",
    2026: "https://www.gov.cn/zhengce/content/202511/content_7047090.htm",
}
_NOTICE_NUMBERS: dict[int, str] = {2026: "国办发明电〔2025〕7号"}
_PUBLISHED_ON: dict[int, date] = {2026: date(2025, 11, 4)}
_EXTRA_NOTES: dict[int, str] = {
    2015: "另见《国务院关于中国人民抗日战争暨世界反法西斯战争胜利70周年纪念日调休放假的通知》。",
    2019: "另见2019年3月22日《国务院办公厅关于调整2019年劳动节假期安排的通知》。",
    2020: "另见2020年1月27日《国务院办公厅关于延长2020年春节假期的通知》。",
}

_CHINESE_NAMES = {holiday.value: holiday.chinese for holiday in chinese_calendar.Holiday}


def seed_years() -> list[int]:
    """Every year the installed package has data for, oldest first."""
    days = [*chinese_calendar.holidays, *chinese_calendar.workdays]
    return list(range(min(days).year, max(days).year + 1))


def year_source(year: int) -> dict[str, Any]:
    """The CalendarYear fields that name the notice behind ``year``."""
    note = f"由 chinesecalendar {chinese_calendar.__version__} 导入。"
    return {
        "notice_number": _NOTICE_NUMBERS.get(year, ""),
        "title": f"国务院办公厅关于{year}年部分节假日安排的通知",
        "source_url": _SOURCE_URLS.get(year, ""),
        "published_on": _PUBLISHED_ON.get(year),
        "note": " ".join(part for part in (note, _EXTRA_NOTES.get(year, "")) if part),
    }


def year_rows(year: int) -> list[dict[str, Any]]:
    """The exception days of ``year`` as dicts: date, is_workday, kind, name."""
    rows: list[dict[str, Any]] = []
    day = date(year, 1, 1)
    while day.year == year:
        is_rest, english = chinese_calendar.get_holiday_detail(day)
        weekend = day.weekday() >= 5
        if english is not None and is_rest and not weekend:
            in_lieu = chinese_calendar.is_in_lieu(day)
            kind = (DayKind.IN_LIEU if in_lieu else DayKind.HOLIDAY).value
            rows.append(
                {"date": day, "is_workday": False, "kind": kind, "name": _CHINESE_NAMES[english]}
            )
        elif english is not None and not is_rest and weekend:
            rows.append(
                {
                    "date": day,
                    "is_workday": True,
                    "kind": DayKind.ADJUSTED_WORKDAY.value,
                    "name": _CHINESE_NAMES[english] + ADJUSTED_SUFFIX,
                }
            )
        day += timedelta(days=1)
    return rows
