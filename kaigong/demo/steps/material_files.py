"""
Demo step: samples (示例样表) and blank forms (空白表格) for a few of 沂南's materials, as
PDFs drawn with reportlab and attached through the catalogue service. Idempotent: a
material that already has a file of that kind is left alone.
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from kaigong.catalog.models import Material, MaterialFile
from kaigong.catalog.services import material_file_set
from kaigong.core.pdf import cjk_font_name, one_pdf_at_a_time

if TYPE_CHECKING:
    from kaigong.demo.loader import DemoContext

# material code → (title, rows of the form: label, value in the sample)
FORMS = {
    "yn-municipal-application": (
        "沂南县市政设施类申请表",
        [
            ("申请单位", "沂南县开工建设有限公司"),
            ("统一社会信用代码", "91371321MA3C000001"),
            ("项目名称", "沂南县城区雨污分流管网改造工程"),
            ("项目地址", "沂南县界湖街道澳柯玛大道"),
            ("所办事项", "[√] 占用、挖掘城市道路  [√] 城市桥梁上架设管线  [ ] 供排水设施改动"),
            ("联系人及电话", "张三  0539-3221234"),
            ("申请单位（盖章）", "（公章）  2026年3月2日"),
        ],
    ),
    "yn-owner-consent": (
        "设施产权（运营维护）单位意见书",
        [
            ("设施名称及位置", "澳柯玛大道 DN600 供水主管（K1+200—K1+450）"),
            ("拟改动内容", "迁移 250 米，改线至道路东侧绿化带"),
            ("产权单位意见", "同意按迁移方案实施，施工期间保障正常供水。"),
            ("产权单位（盖章）", "（公章）  2026年3月1日"),
        ],
    ),
    "yn-replanting-plan": (
        "绿化补偿（补植）方案",
        [
            ("迁移、砍伐树木", "国槐 12 株（胸径 15—20 厘米）"),
            ("补植地点", "澳柯玛大道东侧绿化带"),
            ("补植品种及数量", "国槐 24 株（胸径不小于 8 厘米）"),
            ("完成时限", "管网工程竣工后 30 日内"),
            ("编制单位（盖章）", "（公章）  2026年3月2日"),
        ],
    ),
}


@one_pdf_at_a_time
def form_pdf(title: str, rows: list[tuple[str, str]], *, sample: bool) -> bytes:
    """One A4 page: the title, a two-column table, and 示例 across a sample."""
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4)
    font = cjk_font_name()
    width, height = A4
    pdf.setTitle(title + ("（示例样表）" if sample else "（空白表格）"))
    pdf.setFont(font, 18)
    pdf.drawCentredString(width / 2, height - 72, title)
    pdf.setFont(font, 10)
    pdf.drawCentredString(
        width / 2, height - 92, "示例样表：按此填写" if sample else "空白表格：请用黑色签字笔填写"
    )
    left, label_width, right = 56, 150, width - 56
    top, row_height = height - 120, 44
    for index, (label, value) in enumerate(rows):
        y = top - index * row_height
        pdf.rect(left, y - row_height, label_width, row_height)
        pdf.rect(left + label_width, y - row_height, right - left - label_width, row_height)
        pdf.setFont(font, 11)
        pdf.drawString(left + 8, y - row_height / 2 - 4, label)
        if sample:
            pdf.setFont(font, 10)
            pdf.drawString(left + label_width + 8, y - row_height / 2 - 4, value)
    if sample:
        pdf.saveState()
        pdf.setFont(font, 96)
        pdf.setFillGray(0.85)
        pdf.translate(width / 2, height / 2 - 80)
        pdf.rotate(30)
        pdf.drawCentredString(0, 0, "示 例")
        pdf.restoreState()
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def load_material_files(context: DemoContext) -> None:
    for code, (title, rows) in FORMS.items():
        if not Material.objects.filter(code=code).exists():
            continue
        for kind, sample in (("sample", True), ("blank", False)):
            if MaterialFile.objects.filter(material__code=code, kind=kind).exists():
                continue
            suffix = "示例样表" if sample else "空白表格"
            material_file_set(
                material_code=code,
                kind=kind,
                file_name=f"{title}（{suffix}）.pdf",
                content=form_pdf(title, rows, sample=sample),
            )
            context.count("material files")
