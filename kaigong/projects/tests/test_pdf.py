import io
from datetime import date
from decimal import Decimal

import pytest
from pypdf import PdfReader

from kaigong.projects.guide import project_guide
from kaigong.projects.pdf import guide_pdf
from kaigong.projects.tests.factories import ProjectFactory, small_catalogue


@pytest.mark.django_db
def test_guide_pdf_contains_the_chinese_matter_and_material_names():
    # given
    catalogue = small_catalogue()
    project = ProjectFactory(
        track=catalogue["track"], floor_area=Decimal("20000"), name="潍坊测试楼"
    )
    guide = project_guide(project, on=date(2025, 6, 1))
    # when
    data = guide_pdf(project, guide)
    # then
    assert data.startswith(b"%PDF")
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    for name in (
        "潍坊测试楼",
        "甲事项",
        "乙事项",
        "丙事项",
        "丁事项",
        "营业执照",
        "立项用地规划许可",
    ):
        assert name in text
