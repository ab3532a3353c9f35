"""Pages show the form by label for every field type: the form's choices and the summary rows."""

from __future__ import annotations

import pytest

from kaigong.cases.requirements import merged_form_schema
from kaigong.catalog.applicability import MergedField
from kaigong.catalog.models import FieldSpec
from kaigong.web.cases.common import choice_labels, form_rows
from kaigong.web.cases.forms import MergedForm

PIPES = [{"value": "water", "label": "供水"}, {"value": "drainage", "label": "排水"}]
SOURCES = [{"value": "surface", "label": "地表水"}, {"value": "ground", "label": "地下水"}]
SPECS = [
    FieldSpec(key="project_name", label="项目名称", field_type="string"),
    FieldSpec(key="remarks", label="备注", field_type="text"),
    FieldSpec(key="tree_count", label="涉及树木数量", field_type="integer", unit="株"),
    FieldSpec(key="green_area", label="占用绿地面积", field_type="decimal", unit="平方米"),
    FieldSpec(key="excavation_start_on", label="开始日期", field_type="date"),
    FieldSpec(key="excavation_end_on", label="结束日期", field_type="date"),
    FieldSpec(key="night_work", label="是否夜间施工", field_type="boolean"),
    FieldSpec(key="water_source", label="取水水源", field_type="choice", choices=SOURCES),
    FieldSpec(key="pipeline_type", label="管线类型", field_type="multi_choice", choices=PIPES),
    FieldSpec(key="contact_phone", label="联系电话", field_type="phone"),
    FieldSpec(key="builder_uscc", label="施工单位统一社会信用代码", field_type="uscc"),
]


# every field type through the same builder as a matter's merged form (one use each, optional)
SCHEMA = merged_form_schema(
    [MergedField(key=s.key, specs=(s,), matters=("M1",), required=False) for s in SPECS]
)
BY_KEY = {s.key: s for s in SPECS}


def test_the_summary_shows_every_field_type_by_label():
    data = {
        "project_name": "开工测试项目",
        "remarks": "无",
        "tree_count": 3,
        "green_area": 30.0,
        "excavation_start_on": "2026-03-02",
        "night_work": False,
        "water_source": "ground",
        "pipeline_type": ["water", "drainage"],
        "contact_phone": "0539-1234567",
        "builder_uscc": "91370000MA3C5XXX1X",
    }

    rows = {r["key"]: r for r in form_rows(SCHEMA, data, specs=BY_KEY)}

    assert rows["tree_count"]["text"] == "3 株"
    assert rows["green_area"]["text"] == "30 平方米"
    assert rows["excavation_start_on"]["text"] == "2026-03-02"
    assert rows["excavation_end_on"]["text"] == ""
    assert rows["night_work"]["text"] == "否"
    assert rows["water_source"]["text"] == "地下水"
    assert rows["pipeline_type"]["text"] == "供水、排水"
    assert rows["contact_phone"]["text"] == "0539-1234567"
    assert rows["pipeline_type"]["label"] == "管线类型"


def test_the_form_offers_choices_by_their_chinese_labels():
    form = MergedForm(schema=SCHEMA, choice_labels=choice_labels(BY_KEY))

    assert list(form.fields["water_source"].choices)[1:] == [
        ("surface", "地表水"),
        ("ground", "地下水"),
    ]
    assert list(form.fields["pipeline_type"].choices) == [("water", "供水"), ("drainage", "排水")]
    assert [str(label) for _v, label in form.fields["night_work"].choices] == ["—", "是", "否"]


def test_the_form_keeps_types_and_checks_the_date_range():
    form = MergedForm(
        {
            "tree_count": "3",
            "green_area": "12.5",
            "night_work": "yes",
            "pipeline_type": ["water"],
            "excavation_start_on": "2026-03-10",
            "excavation_end_on": "2026-03-02",
        },
        schema=SCHEMA,
        choice_labels=choice_labels(BY_KEY),
    )

    assert not form.is_valid()
    assert form.errors["excavation_end_on"] == ["“结束日期”不能早于开始日期。"]
    data = form.form_data()
    assert data["tree_count"] == 3
    assert data["green_area"] == 12.5
    assert data["night_work"] is True
    assert "project_name" not in data  # empty fields are left out, never "None"


@pytest.mark.parametrize(
    "phone", ["13800138000", "0539-1234567", "053612345678", "0536-12345678-12"]
)
def test_landlines_and_mobiles_are_accepted(phone):
    form = MergedForm({"contact_phone": phone}, schema=SCHEMA)

    assert form.is_valid(), form.errors


def test_a_wrong_phone_gets_a_sentence_not_a_pattern():
    form = MergedForm({"contact_phone": "12345"}, schema=SCHEMA)

    assert not form.is_valid()
    assert form.errors["contact_phone"][0].startswith("联系电话：请填写11位手机号码")
