"""
Writes of the catalogue. Import from here; the submodules are an implementation detail.
"""

from kaigong.catalog.transfer import catalog_export, catalog_import

from .bundles import bundle_upsert
from .edits import catalog_row_delete, catalog_row_save
from .publish import revision_problems, revision_publish
from .reference import (
    certificate_type_upsert,
    field_spec_upsert,
    material_file_set,
    material_upsert,
    process_track_upsert,
    question_upsert,
    stage_upsert,
)
from .versions import (
    matter_version_discard,
    matter_version_draft,
    matter_withdraw_draft,
    revision_create,
)

__all__ = [
    "bundle_upsert",
    "catalog_export",
    "catalog_import",
    "catalog_row_delete",
    "catalog_row_save",
    "certificate_type_upsert",
    "field_spec_upsert",
    "material_file_set",
    "material_upsert",
    "matter_version_discard",
    "matter_version_draft",
    "matter_withdraw_draft",
    "process_track_upsert",
    "question_upsert",
    "revision_create",
    "revision_problems",
    "revision_publish",
    "stage_upsert",
]
