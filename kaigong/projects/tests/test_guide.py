from datetime import date
from decimal import Decimal

import pytest

from kaigong.projects import hooks
from kaigong.projects.guide import project_guide
from kaigong.projects.hooks import set_held_certificate_types_provider
from kaigong.projects.tests.factories import ProjectFactory, small_catalogue

ON = date(2025, 6, 1)


@pytest.fixture
def catalogue():
    return small_catalogue()


@pytest.fixture
def held_provider():
    held: dict[int, set[str]] = {}
    previous = hooks._provider  # the certificates app registers the real one in ready()
    set_held_certificate_types_provider(lambda enterprise: held.get(enterprise.id, set()))
    yield held
    set_held_certificate_types_provider(previous)


def _project(catalogue, **kwargs):
    kwargs.setdefault("track", catalogue["track"])
    return ProjectFactory(**kwargs)


@pytest.mark.django_db
def test_guide_merges_materials_and_counts_before_and_after(catalogue):
    # given a project whose floor area brings in matter C
    project = _project(catalogue, floor_area=Decimal("20000"))
    # when
    guide = project_guide(project, on=ON)
    # then A(m1,m2) + B(m1,m2,m4) + C(m1,m5) + D(m5) = 8 listed, 4 after merging
    assert [m.code for m in guide.matters] == ["A", "B", "C", "D"]
    assert guide.materials_before == 8
    assert guide.materials_after == 4
    by_code = {m.code: m for m in guide.materials}
    assert by_code["m1"].matter_codes == ["A", "B", "C"]
    assert by_code["m5"].matter_codes == ["C", "D"]


@pytest.mark.django_db
def test_condition_on_a_fact_leaves_a_matter_out(catalogue):
    project = _project(catalogue, floor_area=Decimal("5000"))
    guide = project_guide(project, on=ON)
    assert [m.code for m in guide.matters] == ["A", "B", "D"]
    assert [n["code"] for n in guide.not_applicable] == ["C"]
    # A(m1,m2) + B(m1,m2,m4) + D(m5) = 6 → m1, m2, m4, m5
    assert (guide.materials_before, guide.materials_after) == (6, 4)


@pytest.mark.django_db
def test_answer_brings_in_a_conditional_material_and_its_follow_up_question(catalogue):
    project = _project(catalogue, floor_area=Decimal("5000"))
    before = project_guide(project, on=ON)
    assert [q.code for q in before.questions] == ["q-green"]

    project.answers = {"q-green": True}
    after = project_guide(project, on=ON)

    assert "m3" in {m.code for m in after.materials}
    assert (after.materials_before, after.materials_after) == (7, 5)
    assert [q.code for q in after.questions] == ["q-green", "q-trees"]
    assert after.unanswered == ["q-trees"]


@pytest.mark.django_db
def test_answer_to_a_question_no_longer_asked_does_not_count(catalogue):
    project = _project(catalogue, answers={"q-green": False, "q-trees": 3})
    guide = project_guide(project, on=ON)
    assert [q.code for q in guide.questions] == ["q-green"]
    assert "m3" not in {m.code for m in guide.materials}


@pytest.mark.django_db
def test_material_is_deferrable_only_when_every_matter_allows_it(catalogue):
    project = _project(catalogue)
    guide = project_guide(project, on=ON)
    by_code = {m.code: m for m in guide.materials}
    assert by_code["m2"].deferrable is True
    assert by_code["m1"].deferrable is False
    assert guide.materials_deferrable == 1


@pytest.mark.django_db
def test_held_certificate_covers_a_material(catalogue, held_provider):
    # given the enterprise holds a land certificate
    project = _project(catalogue)
    held_provider[project.enterprise_id] = {"ct-land"}
    # when
    guide = project_guide(project, on=ON)
    # then m4 needs no upload
    by_code = {m.code: m for m in guide.materials}
    assert by_code["m4"].covered_by == ["不动产权证书"]
    assert by_code["m1"].covered_by == []
    assert guide.materials_to_upload == guide.materials_after - 1


@pytest.mark.django_db
def test_without_provider_nothing_is_covered(catalogue):
    guide = project_guide(_project(catalogue), on=ON)
    assert guide.materials_to_upload == guide.materials_after


@pytest.mark.django_db
def test_guide_groups_by_stage_and_lists_dependencies_fees_and_services(catalogue):
    guide = project_guide(_project(catalogue, floor_area=Decimal("20000")), on=ON)
    assert [(s.name, [m.code for m in s.matters]) for s in guide.stages] == [
        ("立项用地规划许可", ["A", "B"]),
        ("施工许可", ["C", "D"]),
    ]
    edges = {(d["from"], d["to"], d["kind"]) for d in guide.dependencies}
    assert edges == {
        ("A", "B", "accepts_pre_approval"),
        ("A", "C", "requires_result"),
        ("B", "D", "requires_result"),
    }
    a = guide.matters[0]
    assert a.department == "住建局"
    assert (a.statutory_limit, a.promised_limit) == (20, 10)
    assert a.fees == [{"name": "不收费", "standard": "0"}]
    assert guide.intermediary_services[0]["name"] == "地质勘察"
    assert guide.intermediary_services[0]["matters"] == ["甲事项"]


@pytest.mark.django_db
def test_key_project_factor_shortens_promised_limits():
    catalogue = small_catalogue(factor=Decimal("0.7"))
    guide = project_guide(_project(catalogue, key=True), on=ON)
    promised = {m.code: m.promised_days for m in guide.matters}
    # ceil(10×0.7)=7, ceil(8×0.7)=6, ceil(5×0.7)=4
    assert promised == {"A": 7, "B": 6, "D": 4}
    assert guide.bundles[0].key_project_limit == 34  # 48 × 0.7 → 34 (高明)


@pytest.mark.django_db
def test_matter_selection_narrows_the_guide(catalogue):
    guide = project_guide(_project(catalogue), on=ON, matter_codes=["A", "B"])
    assert [m.code for m in guide.matters] == ["A", "B"]
    assert (guide.materials_before, guide.materials_after) == (5, 3)


@pytest.mark.django_db
def test_project_outside_the_bundles_region_gets_no_bundle_by_default(catalogue):
    project = _project(catalogue, region_code="371321")
    assert project_guide(project, on=ON).matters == []
    chosen = project_guide(project, on=ON, bundle_codes=["b-test"])
    assert len(chosen.matters) == 3


@pytest.mark.django_db
def test_unknown_bundle_is_a_clear_error(catalogue):
    from kaigong.core.exceptions import InvalidInput

    with pytest.raises(InvalidInput) as info:
        project_guide(_project(catalogue), on=ON, bundle_codes=["nope"])
    assert info.value.code == "unknown_bundle"


@pytest.mark.django_db
def test_guide_query_count_does_not_grow_with_matters(catalogue, django_assert_max_num_queries):
    project = _project(catalogue, floor_area=Decimal("20000"))
    with django_assert_max_num_queries(16):
        guide = project_guide(project, on=ON)
    assert len(guide.matters) == 4
