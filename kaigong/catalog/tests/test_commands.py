"""The export and import commands."""

from django.core.management import CommandError, call_command

import pytest

from kaigong.catalog.services import catalog_export
from kaigong.catalog.tests.factories import published_matter


@pytest.mark.django_db
def test_export_then_import_of_the_same_file_reports_unchanged(tmp_path, capsys):
    published_matter("M1")
    target = tmp_path / "catalog.json"

    call_command("catalog_export", str(target))
    call_command("catalog_import", str(target))

    assert target.read_bytes() == catalog_export()
    assert capsys.readouterr().out.startswith("unchanged:")


@pytest.mark.django_db
def test_import_of_a_broken_file_fails_listing_the_errors(tmp_path):
    target = tmp_path / "broken.json"
    target.write_text('{"format": "kaigong-catalog/1", "materials": [{"code": "x"}]}')

    with pytest.raises(CommandError) as exc:
        call_command("catalog_import", str(target))

    assert "catalog_invalid" in str(exc.value)
    assert "materials[0].name" in str(exc.value)
