"""
Demo step: the catalogue, entirely through the catalog services.

Reference lists are upserted by code. The matters are drafted in revision 1 “初始目录”
and published with ``revision_publish`` by the catalogue keeper, so the demo passes the
same checks as any revision (conditions, promised ≤ statutory, no dependency cycle). When a
revision with that title exists the matters are left as they are (published versions never
change); bundles are upserted by code either way.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from kaigong.catalog.models import Bundle, CatalogRevision
from kaigong.catalog.services import (
    bundle_upsert,
    certificate_type_upsert,
    field_spec_upsert,
    material_upsert,
    matter_version_draft,
    process_track_upsert,
    question_upsert,
    revision_create,
    revision_publish,
    stage_upsert,
)
from kaigong.demo.data import binzhou, catalogue, gaoming, people, weifang, yinan

if TYPE_CHECKING:
    from kaigong.demo.loader import DemoContext

LOCALITIES = (yinan, weifang, binzhou, gaoming)


def load_catalogue(context: DemoContext) -> None:
    actor = context.users[people.CATALOG_ADMIN_USERNAME]
    for data in catalogue.STAGES:
        stage_upsert(**data, actor=actor)
    for data in weifang.TRACKS:
        process_track_upsert(**data, actor=actor)
    for data in catalogue.CERTIFICATE_TYPES:
        certificate_type_upsert(**data, actor=actor)
    for module in (catalogue, *LOCALITIES):
        for data in getattr(module, "MATERIALS", ()):
            material_upsert(**data, actor=actor)
    for data in catalogue.FIELDS:
        field_spec_upsert(**data, actor=actor)
    for data in catalogue.QUESTIONS:
        question_upsert(**data, actor=actor)

    revision = CatalogRevision.objects.filter(title=catalogue.REVISION["title"]).first()
    if revision is None:
        revision = revision_create(**catalogue.REVISION, actor=actor)
        for module in LOCALITIES:
            for data in module.MATTERS:
                matter_version_draft(revision=revision, **data, actor=actor)
                context.count("matters")
    for module in LOCALITIES:
        for data in module.BUNDLES:
            if not Bundle.objects.filter(code=data["code"]).exists():
                context.count("bundles")
            bundle_upsert(**data, actor=actor)
    if revision.status != "published":
        revision_publish(revision=revision, actor=actor)
        context.count("revisions")
