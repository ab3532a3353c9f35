"""
Where uploaded materials live: a private storage outside the web root.

``STORAGES["private"]`` is used when configured (object storage at scale, memory in tests);
otherwise files go under ``MEDIA_ROOT/private`` on local disk. Nothing serves this
location directly: files leave only through a selector that checks permission.
"""

from __future__ import annotations

import os
import uuid

from django.conf import settings
from django.core.files.storage import FileSystemStorage, Storage, storages


def private_storage() -> Storage:
    """The storage of submitted materials (callable, so settings are read late)."""
    if "private" in settings.STORAGES:
        return storages["private"]
    return FileSystemStorage(
        location=os.path.join(str(settings.MEDIA_ROOT), "private"), base_url=None
    )


def material_upload_to(instance, filename: str) -> str:
    """``cases/<case public id>/<random>.<ext>``: the original name is kept in a field only."""
    suffix = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"cases/{instance.case.public_id}/{uuid.uuid4().hex}.{suffix[:8]}"
