"""
The second-level indicators as data (versioned rows of ``IndicatorSet``), seeded by
migration 0002. National sets are nationally unified and may not be altered: a change is a
new version. Local extras are a separate set and never mixed into the national figures.

# rule: online 办事效率, 办事指南精确度, 办事便捷度, 平台操作性; offline 服务效率, 服务水平,
# 服务态度; the overall level is the five-level rating itself (docs/legal.md#gbt-39734)
"""

NATIONAL_SETS = [
    {
        "code": "gbt39734-online",
        "version": 1,
        "channel": "online",
        "kind": "national",
        "name": "GB/T 39734 线上评价指标",
        "indicators": [
            {"code": "efficiency", "label": "办事效率"},
            {"code": "guide_accuracy", "label": "办事指南精确度"},
            {"code": "convenience", "label": "办事便捷度"},
            {"code": "usability", "label": "平台操作性"},
        ],
    },
    {
        "code": "gbt39734-offline",
        "version": 1,
        "channel": "offline",
        "kind": "national",
        "name": "GB/T 39734 线下评价指标",
        "indicators": [
            {"code": "efficiency", "label": "服务效率"},
            {"code": "service_level", "label": "服务水平"},
            {"code": "attitude", "label": "服务态度"},
        ],
    },
]

LOCAL_SETS = [
    {
        "code": "local-online",
        "version": 1,
        "channel": "online",
        "kind": "local",
        "name": "本地补充评价指标",
        "indicators": [
            {"code": "helper_service", "label": "帮办代办服务"},
            {"code": "once_done", "label": "一次办好"},
        ],
    },
]
