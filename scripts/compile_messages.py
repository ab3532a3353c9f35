"""Compile every django.po under kaigong/ into django.mo with polib (no GNU gettext needed)."""

from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent / "kaigong"

count = 0
for po_path in ROOT.rglob("locale/*/LC_MESSAGES/django.po"):
    mo_path = po_path.with_suffix(".mo")
    if not mo_path.exists() or mo_path.stat().st_mtime < po_path.stat().st_mtime:
        polib.pofile(str(po_path)).save_as_mofile(str(mo_path))
        count += 1
print(f"translations: {count} catalogue(s) compiled")
