"""Certificates print data by label: every field type, lists joined with 、, no overlaps."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.utils import translation

import pytest
from reportlab.pdfbase.pdfmetrics import stringWidth

from kaigong.catalog.models import FieldSpec
from kaigong.certificates.rendering import layout_rows, render_pdf, spec_value_text, value_text
from kaigong.core.pdf import cjk_font_name


@pytest.fixture(autouse=True)
def _in_chinese():
    """Labels are Chinese on the documents, whatever language an earlier test left active."""
    with translation.override("zh-hans"):
        yield


PIPES = [{"value": "water", "label": "供水"}, {"value": "drainage", "label": "排水"}]


@pytest.mark.parametrize(
    ("value", "kwargs", "expected"),
    [
        ("开工测试项目", {"field_type": "string"}, "开工测试项目"),
        ("第一行\n第二行", {"field_type": "text"}, "第一行\n第二行"),
        (12, {"field_type": "integer", "unit": "株"}, "12 株"),
        (1200.0, {"field_type": "decimal", "unit": "平方米"}, "1200 平方米"),
        (1200.5, {"field_type": "decimal"}, "1200.5"),
        (Decimal("3.50"), {"field_type": "decimal"}, "3.5"),
        ("2026-03-02", {"field_type": "date"}, "2026-03-02"),
        (date(2026, 3, 2), {"field_type": "date"}, "2026-03-02"),
        (True, {"field_type": "boolean"}, "是"),
        (False, {"field_type": "boolean"}, "否"),
        ("water", {"field_type": "choice", "choices": PIPES}, "供水"),
        (["water", "drainage"], {"field_type": "multi_choice", "choices": PIPES}, "供水、排水"),
        ("['water', 'drainage']", {"field_type": "multi_choice", "choices": PIPES}, "供水、排水"),
        ("0539-1234567", {"field_type": "phone"}, "0539-1234567"),
        ("91370000MA3C5XXX1X", {"field_type": "uscc"}, "91370000MA3C5XXX1X"),
        ("371321", {"field_type": "region"}, "371321"),
        (None, {"field_type": "decimal", "unit": "万元"}, ""),
        ([], {"field_type": "multi_choice", "choices": PIPES}, ""),
    ],
)
def test_every_field_type_is_rendered_by_label(value, kwargs, expected):
    assert value_text(value, **kwargs) == expected


def test_a_field_spec_renders_its_own_choices_and_unit():
    spec = FieldSpec(
        key="pipeline_type", label="管线类型", field_type="multi_choice", choices=PIPES
    )
    area = FieldSpec(key="green_area", label="占用绿地面积", field_type="decimal", unit="平方米")

    assert spec_value_text(spec, ["drainage", "water"]) == "排水、供水"
    assert spec_value_text(area, 30) == "30 平方米"
    assert spec_value_text({"field_type": "boolean"}, True) == "是"


def test_long_labels_and_values_never_overlap_and_stay_above_the_seal_and_qr():
    # given many rows with long labels and long values
    font = cjk_font_name()
    rows = [
        ("建设单位统一社会信用代码", "91370000MA3C5XXX1X"),
        ("占用（挖掘）开始日期", "2026-03-02"),
        (
            "涉及设施类型及其他需要说明的很长很长的标签",
            "城市公共供水设施、城镇排水管网、污水处理设施、泵站",
        ),
        *[(f"字段{i}", "值" * 60) for i in range(8)],
    ]

    # when laid out in the certificate's body
    size, lines = layout_rows(font, rows, top=445, bottom=170, left=90, right=600)

    # then every line is inside the body, and no two lines overlap
    assert size >= 8
    assert len({y for x, y, _t in lines if x == 90}) >= len(rows)  # every label is printed
    assert all(170 <= y <= 445 for _x, y, _t in lines)
    boxes = [(x, y, x + stringWidth(t, font, size), y + size) for x, y, t in lines if t]
    for i, a in enumerate(boxes):
        assert a[2] <= 600 + 0.01
        for b in boxes[i + 1 :]:
            apart = a[2] <= b[0] or b[2] <= a[0] or a[3] <= b[1] or b[3] <= a[1]
            assert apart, (a, b)


def test_the_pdf_renders_with_a_list_surface():
    data = {
        "identifier": "11370000MB0000000X0001",
        "license_no": "3713210012026000001",
        "type_name": "城市道路挖掘许可证",
        "holder_name": "开工建设有限公司",
        "holder_code": "91370000MA3C5XXX1X",
        "issuer_name": "沂南县住房和城乡建设局",
        "issued_on": "2026-03-09",
        "valid_from": "2026-03-09",
        "valid_to": None,
        "surface": [{"key": "pipeline_type", "label": "管线类型", "value": ["water", "drainage"]}],
    }

    pdf = render_pdf(data)

    assert pdf.startswith(b"%PDF")
