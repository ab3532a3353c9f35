"""
The region picker (GB/T 2260): province → city → county through htmx, and without
JavaScript the one validated select of every division by its name (issue #9 §2).
"""

from __future__ import annotations

import re

from django.test import Client

import pytest

from kaigong.web.enterprise.forms import ProjectForm


def _options(html: str) -> list[tuple[str, str]]:
    return re.findall(r'<option value="(\d*)"[^>]*>([^<]*)</option>', html)


def test_the_next_level_is_loaded_by_the_picker():
    client = Client()
    # the cities of 山东省, then the counties of 临沂市, by name
    cities = _options(client.get("/regions/options/", {"region_code__province": "370000"}).text)
    assert cities == [("", "市（地区、州、盟）"), ("370700", "潍坊市"), ("371300", "临沂市"),
                      ("371600", "滨州市")]  # fmt: skip
    counties = _options(client.get("/regions/options/", {"region_code__city": "371300"}).text)
    assert counties == [("", "县（市、区、旗）"), ("371302", "兰山区"), ("371321", "沂南县")]
    # an unknown code gives nothing to choose
    assert _options(client.get("/regions/options/", {"region_code__city": "999900"}).text) == [
        ("", "县（市、区、旗）")
    ]


@pytest.mark.django_db
def test_the_form_renders_the_fallback_select_and_the_cascade_with_the_chosen_value():
    form = ProjectForm(initial={"region_code": "371321"}, enterprises=None)
    html = str(form["region_code"])

    # the field's own select: every division by its full name, the chosen one selected
    assert '<option value="371321" selected>山东省临沂市沂南县</option>' in html
    assert "沂南县</option>" in html and "371321</option>" not in html
    # and the cascade, each level with the chosen division selected
    assert 'name="region_code__province"' in html and 'name="region_code__city"' in html
    assert '<option value="370000" selected>山东省</option>' in html
    assert '<option value="371300" selected>临沂市</option>' in html
    assert '<option value="371321" selected>沂南县</option>' in html


@pytest.mark.django_db
def test_a_code_outside_the_table_is_refused():
    form = ProjectForm(data={"region_code": "999999"}, enterprises=None)
    form.is_valid()
    assert "region_code" in form.errors
