"""
Geometry of the server-rendered Gantt chart (SVG, no JavaScript): percentages of the
total, so the chart scales to a phone's width. Presentation only.
"""

from __future__ import annotations

from dataclasses import dataclass

ROW = 38  # px per matter: label line + bar
TOP = 24  # px for the axis


@dataclass(frozen=True)
class Bar:
    label: str
    y_label: int
    y_bar: int
    x: float
    width: float
    critical: bool
    early: bool
    title: str
    actual_x: float | None
    actual_width: float | None


@dataclass(frozen=True)
class Tick:
    x: float
    label: str


@dataclass(frozen=True)
class Gantt:
    height: int
    bars: list[Bar]
    ticks: list[Tick]


def gantt(mode) -> Gantt:
    total = max(mode.total_days, 1)
    bars = []
    for i, task in enumerate(mode.tasks):
        y = TOP + i * ROW
        actual_x = actual_w = None
        if task.actual_start_offset is not None and task.actual_end_offset is not None:
            actual_x = max(0.0, min(100.0, task.actual_start_offset * 100 / total))
            length = max(task.actual_end_offset - task.actual_start_offset, 0.2)
            actual_w = max(0.5, min(100.0 - actual_x, length * 100 / total))
        bars.append(
            Bar(
                label=f"{task.name}（{task.department}）",
                y_label=y + 12,
                y_bar=y + 17,
                x=round(task.start_offset * 100 / total, 3),
                width=round(max(task.duration, 0.2) * 100 / total, 3),
                critical=task.critical,
                early=bool(task.early_start_via),
                title=f"{task.name}: {task.start_on} → {task.end_on} ({task.duration})",
                actual_x=actual_x,
                actual_width=actual_w,
            )
        )
    step = max(1, round(total / 6))
    ticks = [Tick(x=round(d * 100 / total, 3), label=str(d)) for d in range(0, total + 1, step)]
    return Gantt(height=TOP + ROW * len(mode.tasks) + 8, bars=bars, ticks=ticks)
