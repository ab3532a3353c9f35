"""
A case's children sort by their parent's column, not by the parent's own ordering: Django
expands ``ordering = ["case", …]`` into the case's ``-created_at, -id``, which joined
``cases_case`` (and ``cases_caseitem`` for an item's children) into every read of them
only to sort (issue #16 §3, docs/benchmarks.md).
"""

from __future__ import annotations

import pytest

from kaigong.cases.models import (
    CaseEvent,
    CaseItem,
    ClockPause,
    Commitment,
    ConditionalResult,
    Correction,
    Extension,
    Opinion,
    SubmittedMaterial,
)

BY_CASE = [CaseItem, CaseEvent, Correction, Commitment, SubmittedMaterial]
BY_ITEM = [Opinion, ClockPause, Extension, ConditionalResult]


@pytest.mark.parametrize("model", BY_CASE, ids=lambda m: m.__name__)
def test_a_case_s_children_are_read_without_joining_the_case(model):
    sql = str(model.objects.filter(case_id=1).query)
    assert '"cases_case"' not in sql.split(" WHERE ")[0]  # not joined
    assert f'ORDER BY "{model._meta.db_table}"."case_id" ASC' in sql


@pytest.mark.parametrize("model", BY_ITEM, ids=lambda m: m.__name__)
def test_an_item_s_children_are_read_without_joining_the_item_or_its_case(model):
    sql = str(model.objects.filter(item_id=1).query)
    assert "JOIN" not in sql
    assert f'ORDER BY "{model._meta.db_table}"."item_id" ASC' in sql
