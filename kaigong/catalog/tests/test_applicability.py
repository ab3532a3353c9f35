"""
The one applicability engine, on generated catalogues (hypothesis): asked as the guide asks
(the bundles and the situation) and as the window asks (the matters of a case), it gives the
same merged materials with the same substitutions, and the substitutions obey the rules.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from kaigong.catalog.applicability import (
    BundleSnap,
    CatalogueSnapshot,
    FieldSpecSnap,
    FieldUseSnap,
    ItemSnap,
    QuestionSnap,
    RequirementSnap,
    VersionSnap,
    applicability,
)
from kaigong.catalog.constants import Necessity

MATERIALS = ["m1", "m2", "m3", "m4", "m5"]
CERTIFICATES = ["c1", "c2"]
CONDITIONS = [{}, {"q": "q1", "op": "truthy"}, {"q": "q2", "op": "eq", "value": "a"}]
QUESTIONS = (
    QuestionSnap("q1", order=1),
    QuestionSnap("q2", ask_when={"q": "q1", "op": "truthy"}, order=2),
)


@st.composite
def requirement(draw, material: str) -> RequirementSnap:
    necessity = draw(st.sampled_from(list(Necessity)))
    return RequirementSnap(
        material_id=MATERIALS.index(material) + 1,
        material_code=material,
        material_name=material,
        necessity=necessity,
        condition=draw(st.sampled_from(CONDITIONS[1:])) if necessity == "conditional" else {},
        deferrable=draw(st.booleans()),
        commitment_replaces=draw(st.booleans()),
        satisfied_by=draw(st.sampled_from(["", *CERTIFICATES])),
        formats=tuple(draw(st.lists(st.sampled_from(["pdf", "jpg", "ofd"]), unique=True))),
        max_size_mb=draw(st.integers(1, 50)),
    )


@st.composite
def version(draw, matter_id: int) -> VersionSnap:
    materials = draw(st.lists(st.sampled_from(MATERIALS), unique=True, max_size=4))
    keys = draw(st.lists(st.sampled_from(["f1", "f2", "f3"]), unique=True, max_size=3))
    return VersionSnap(
        matter_id=matter_id,
        matter_code=f"M{matter_id}",
        commitment_allowed=draw(st.booleans()),
        requirements=tuple(draw(requirement(m)) for m in materials),
        fields=tuple(
            FieldUseSnap(
                spec=FieldSpecSnap(key=k),
                required=draw(st.booleans()),
                condition=draw(st.sampled_from(CONDITIONS)),
            )
            for k in keys
        ),
    )


@st.composite
def catalogue(draw) -> CatalogueSnapshot:
    count = draw(st.integers(1, 5))
    versions = {i: draw(version(i)) for i in range(1, count + 1)}
    bundles = []
    for b in range(draw(st.integers(1, 2))):
        ids = draw(st.lists(st.sampled_from(list(versions)), unique=True, min_size=1))
        bundles.append(
            BundleSnap(
                code=f"b{b}",
                items=tuple(
                    ItemSnap(
                        matter_id=i,
                        mandatory=draw(st.booleans()),
                        condition=draw(st.sampled_from(CONDITIONS)),
                        order=n,
                    )
                    for n, i in enumerate(ids)
                ),
            )
        )
    return CatalogueSnapshot(versions=versions, questions=QUESTIONS, bundles=tuple(bundles))


situations = st.fixed_dictionaries(
    {},
    optional={"q1": st.booleans(), "q2": st.sampled_from(["a", "b"])},
)
held = st.sets(st.sampled_from(CERTIFICATES))


def _holds(condition, answers) -> bool:
    """An oracle for the three generated conditions (not the interpreter under test)."""
    if not condition:
        return True
    if condition["q"] == "q1":
        return bool(answers.get("q1"))
    return answers.get("q2") == "a"


def _rows(materials):
    return {m.code: (m.substitutions(), m.formats, m.max_size_mb, m.matters) for m in materials}


@settings(max_examples=300, deadline=None, derandomize=True)
@given(snapshot=catalogue(), answers=situations, certificates=held)
def test_the_guide_and_the_window_ask_the_same_engine_the_same_question(
    snapshot, answers, certificates
):
    # given the guide's answer for a situation
    guide = applicability(snapshot, answers=answers, facts={}, held_certificate_types=certificates)
    # when the window asks about the matters the guide lists, in the guide's order
    window = applicability(
        snapshot,
        answers=answers,
        facts={},
        held_certificate_types=certificates,
        matter_ids=[m.matter_id for m in guide.matters],
    )
    # then the materials, their substitutions, the counts and the fields agree
    assert _rows(window.materials) == _rows(guide.materials)
    assert (window.materials_before, window.materials_after) == (
        guide.materials_before,
        guide.materials_after,
    )
    assert window.fields == guide.fields


@settings(max_examples=300, deadline=None, derandomize=True)
@given(snapshot=catalogue(), answers=situations, certificates=held)
def test_substitutions_follow_the_rules_of_every_matter_that_needs_the_material(
    snapshot, answers, certificates
):
    result = applicability(snapshot, answers=answers, facts={}, held_certificate_types=certificates)
    counts = result.answers
    versions = [snapshot.versions[m.matter_id] for m in result.matters]
    for material in result.materials:
        reqs = [
            (v, r)
            for v in versions
            for r in v.requirements
            if r.material_code == material.code
            and (r.necessity != "conditional" or _holds(r.condition, counts))
        ]
        requiring = [(v, r) for v, r in reqs if r.necessity != "optional"]
        # 告知承诺: every requiring matter allows it and marks the material (never optional)
        assert material.commitment_replaces == (
            bool(requiring)
            and all(v.commitment_allowed and r.commitment_replaces for v, r in requiring)
        )
        # 容缺: only a required material, deferrable for every matter requiring it
        if material.deferrable:
            assert material.required and all(r.deferrable for _v, r in requiring)
        # 免提交: only by a held certificate of a satisfying type
        assert set(material.exempt_by) <= set(certificates) & material.satisfied_by
        assert material.matters == tuple(v.matter_code for v, _r in reqs)
    assert result.materials_after <= result.materials_before
    # an answer to a question no longer asked does not count
    if not answers.get("q1"):
        assert "q2" not in result.answers
