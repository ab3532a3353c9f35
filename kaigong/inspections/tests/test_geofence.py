"""
The red-line fence: ray casting on a concave (L-shaped) red line, and an inspection with a
red line flags samples by the polygon, not by the 300 m circle around the project's point.
"""

from __future__ import annotations

from django.db import transaction
from django.test import override_settings

import pytest
import time_machine

from kaigong.cases.tests.conftest import MONDAY
from kaigong.core.exceptions import InvalidInput
from kaigong.inspections.geofence import point_in_polygon, polygon_parse
from kaigong.inspections.services import inspection_slot_pick, inspection_start, location_add

from .factories import inspection_world, requested

pytestmark = pytest.mark.django_db

# an L around the project's point (35.55, 118.46): the notch to the north-east is outside
L_SHAPE = [[35.548, 118.458], [35.548, 118.464], [35.551, 118.464], [35.551, 118.461],
           [35.554, 118.461], [35.554, 118.458]]  # fmt: skip


def test_ray_casting_on_a_concave_red_line():
    assert point_in_polygon(35.549, 118.463, L_SHAPE)  # the foot of the L
    assert point_in_polygon(35.553, 118.459, L_SHAPE)  # its upright
    assert not point_in_polygon(35.553, 118.463, L_SHAPE)  # the notch
    assert not point_in_polygon(35.560, 118.459, L_SHAPE)  # north of it all
    assert not point_in_polygon(35.549, 118.470, L_SHAPE)  # east of it all


@pytest.mark.parametrize("bad", [[[35.5, 118.4], [35.6, 118.5]], [[91, 0], [0, 0], [1, 1]],
                                 "35.5,118.4\nx,y\n35.6,118.5", [[35.5, "nan"], [1, 1], [2, 2]]])  # fmt: skip
def test_a_malformed_red_line_is_refused(bad):
    with pytest.raises(InvalidInput) as caught:
        polygon_parse(bad)
    assert caught.value.code == "red_line"


def test_the_red_line_as_text_one_vertex_a_line():
    assert polygon_parse("35.548,118.458\n35.548，118.464\n35.551, 118.464\n") == [
        [35.548, 118.458], [35.548, 118.464], [35.551, 118.464]
    ]  # fmt: skip


def test_samples_are_flagged_by_the_red_line_where_there_is_one(tmp_path):
    with override_settings(KAIGONG_KEY_DIR=tmp_path), time_machine.travel(MONDAY, tick=False):
        world, _standard, _case, item = inspection_world()
        with transaction.atomic():
            inspection = requested(world, item, site_polygon=L_SHAPE)
        inspection = inspection_slot_pick(actor=world.applicant, inspection=inspection,
                                          slot=inspection.slots.get().public_id)  # fmt: skip
        inspection = inspection_start(actor=world.inspector1, inspection=inspection)

        def at(lat, lon):
            return location_add(actor=world.applicant, inspection=inspection, latitude=lat,
                                longitude=lon)  # fmt: skip

        # just south of the red line, ~240 m from the point: inside the circle, outside the line
        south = at("35.5478", "118.4600")
        # the upright's tip, ~400 m from the point: outside the circle, inside the line
        tip = at("35.5535", "118.4590")
        notch = at("35.5530", "118.4630")  # outside both
        assert south.distance_m < 300 and south.inside_site is False
        assert tip.distance_m > 300 and tip.inside_site is True
        assert notch.inside_site is False


def test_the_red_line_is_the_projects_and_every_inspection_of_it_uses_it(tmp_path):
    from kaigong.cases.tests.factories import CaseFactory, item_of
    from kaigong.projects.services import project_site_set

    with override_settings(KAIGONG_KEY_DIR=tmp_path), time_machine.travel(MONDAY, tick=False):
        world, _standard, case, item = inspection_world()
        project = case.project
        # a window clerk of the jurisdiction sets it on the project, not on an inspection
        project_site_set(actor=world.clerk, project=project, latitude=project.latitude,
                         longitude=project.longitude, radius_m=300, red_line=L_SHAPE)  # fmt: skip
        second_item = item_of(CaseFactory(world=world, accepted=True), "M1")
        assert second_item.case.project_id == project.pk
        fenced = []
        for target in (item, second_item):
            with transaction.atomic():
                inspection = requested(world, target)
            inspection = inspection_slot_pick(actor=world.applicant, inspection=inspection,
                                              slot=inspection.slots.get().public_id)  # fmt: skip
            inspection = inspection_start(actor=world.inspector1, inspection=inspection)
            tip = location_add(actor=world.applicant, inspection=inspection, latitude="35.5535",
                               longitude="118.4590")  # fmt: skip
            fenced.append((tip.distance_m > 300, tip.inside_site))
        # ~400 m from the point, inside the red line: inside, for both inspections
        assert fenced == [(True, True), (True, True)]


def test_only_staff_set_the_projects_red_line(tmp_path):
    from kaigong.core.exceptions import PermissionDenied
    from kaigong.core.models import AuditRecord
    from kaigong.projects.services import project_site_set

    with override_settings(KAIGONG_KEY_DIR=tmp_path):
        world, _standard, case, _item = inspection_world()
        project = case.project

        def set_by(user, **kw):
            return project_site_set(actor=user, project=project, latitude=project.latitude,
                                    longitude=project.longitude, **kw)  # fmt: skip

        for outsider in (world.applicant, world.users["supervisor"]):
            with pytest.raises(PermissionDenied), transaction.atomic():
                set_by(outsider, red_line=L_SHAPE)
        with pytest.raises(InvalidInput) as caught, transaction.atomic():
            set_by(world.clerk, red_line=L_SHAPE[:2])
        assert caught.value.code == "red_line"
        with pytest.raises(InvalidInput) as caught, transaction.atomic():
            set_by(world.clerk, radius_m=5)
        assert caught.value.code == "site_radius"
        # a reviewer of a department with an item of the project's cases may
        set_by(world.reviewer1, radius_m=150, red_line=L_SHAPE)
        project.refresh_from_db()
        assert project.site_radius_m == 150 and project.red_line == L_SHAPE
        assert AuditRecord.objects.filter(action="project_site_set",
                                          object_id=str(project.public_id)).count() == 1  # fmt: skip


def test_the_project_page_sets_the_site_for_staff_only(tmp_path, client):
    with override_settings(KAIGONG_KEY_DIR=tmp_path):
        world, _standard, case, _item = inspection_world()
        project = case.project
        url = f"/projects/{project.public_id}/"
        client.force_login(world.applicant)
        assert 'id="site-form"' not in client.get(url).content.decode()
        client.force_login(world.clerk)
        assert 'id="site-form"' in client.get(url).content.decode()
        lines = "\n".join(f"{lat},{lon}" for lat, lon in L_SHAPE)
        response = client.post(url, {"action": "site", "latitude": "35.550000",
                                     "longitude": "118.460000", "radius_m": "250",
                                     "red_line": lines})  # fmt: skip
        assert response.status_code == 302
        project.refresh_from_db()
        assert project.red_line == L_SHAPE and project.site_radius_m == 250
        page = client.post(url, {"action": "site", "latitude": "35.55", "longitude": "118.46",
                                 "radius_m": "250", "red_line": "1,2\n3,4"})  # fmt: skip
        assert page.status_code == 200 and 'id="site-form"' in page.content.decode()
        project.refresh_from_db()
        assert project.red_line == L_SHAPE  # the malformed red line changed nothing
