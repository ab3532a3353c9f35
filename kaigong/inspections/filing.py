"""
Filing the inspection's and the joint review's documents in the project's archive
(归档): the completed, signed 踏勘记录 PDF and every round's consolidated opinion letter.

The same path as the official documents (kaigong/documents/services.py): one call of
``archives.services.archive_document_file`` per document, idempotent by origin, staged by the
item's matter (so 立项/规划/施工 documents are pushed to subscribed departments). The archive
package (archives/package.py) then lists them with their SM3 in its signed manifest.
"""

from __future__ import annotations

from typing import Any

from django.utils import translation
from django.utils.translation import gettext as _g

from kaigong.archives.constants import DocumentKind as ArchiveKind
from kaigong.archives.constants import StageTag
from kaigong.archives.services import archive_document_file, stage_of


def record_file(record: Any, pdf: bytes) -> Any:
    """File the completed record's PDF (a 行政文书 of the item's matter)."""
    item = record.inspection.item
    with translation.override("zh-hans"):
        label = _g("Site inspection record")
    title = f"{record.number} {label}（{item.matter_version.name}）"
    return archive_document_file(
        project=item.case.project,
        kind=ArchiveKind.NOTICE,
        title=title,
        origin_type=record._meta.label_lower,
        origin_id=str(record.public_id),
        content=pdf,
        file_name=f"{record.number}.pdf",
        stage=stage_of(item.matter_version),
    )


def letter_file(letter: Any, pdf: bytes) -> Any:
    """File one round's consolidated opinion letter (a 审查意见 of the joint review)."""
    review = letter.review
    versions = [i.matter_version for i in review.items.select_related("matter_version__stage")]
    stages = {stage_of(v) for v in versions}
    with translation.override("zh-hans"):
        title = _g("%(no)s Consolidated opinion of the joint review (round %(n)s): %(t)s") % {
            "no": letter.number, "n": letter.round, "t": review.title,
        }  # fmt: skip
    return archive_document_file(
        project=review.case.project,
        kind=ArchiveKind.OPINION,
        title=title,
        origin_type=letter._meta.label_lower,
        origin_id=str(letter.public_id),
        content=pdf,
        file_name=f"{letter.number}.pdf",
        stage=stages.pop() if len(stages) == 1 else StageTag.OTHER,
    )
