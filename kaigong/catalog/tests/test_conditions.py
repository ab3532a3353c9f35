"""The safe JSON conditions: grammar checks and the evaluation table. No database."""

import builtins
from decimal import Decimal

from django.utils import translation

import pytest

from kaigong.catalog.conditions import (
    condition_question_codes,
    evaluate_condition,
    validate_condition,
)

CODES = {"has_land", "floors", "uses"}


@pytest.fixture(autouse=True)
def _english():
    """The messages are asserted in English (their msgids); Chinese is the default."""
    with translation.override("en"):
        yield


@pytest.mark.parametrize(
    "cond",
    [
        {},
        {"q": "has_land", "op": "truthy"},
        {"q": "floors", "op": "gt", "value": 3},
        {"q": "uses", "op": "contains", "value": "school"},
        {"fact": "investment_type", "op": "in", "value": ["government", "social"]},
        {
            "all": [
                {"q": "has_land", "op": "eq", "value": True},
                {"not": {"q": "floors", "op": "falsy"}},
            ]
        },
        {"any": []},
    ],
)
def test_valid_conditions_have_no_errors(cond):
    assert validate_condition(cond, question_codes=CODES) == []


@pytest.mark.parametrize(
    ("cond", "fragment"),
    [
        ([], "JSON object"),
        ({"q": "has_land", "op": "like", "value": 1}, 'unknown operator "like"'),
        ({"q": "nope", "op": "truthy"}, 'unknown question "nope"'),
        ({"fact": "salary", "op": "truthy"}, 'unknown fact "salary"'),
        ({"q": "has_land", "op": "truthy", "extra": 1}, "unknown keys: extra"),
        ({"q": "has_land", "fact": "track", "op": "truthy"}, "exactly one"),
        ({"q": "has_land", "op": "truthy", "value": 1}, "takes no value"),
        ({"q": "floors", "op": "gt", "value": "3"}, "takes a number"),
        ({"q": "floors", "op": "gt", "value": True}, "takes a number"),
        ({"q": "floors", "op": "in", "value": 3}, "list of plain values"),
        ({"q": "floors", "op": "eq"}, "needs a value"),
        ({"q": "floors"}, "operator is required"),
        ({"all": {"q": "floors", "op": "truthy"}}, "takes a list"),
        ({"all": [], "any": []}, "only key"),
        ({"__import__": "os"}, "unknown keys"),
    ],
)
def test_invalid_conditions_are_rejected_with_a_clear_message(cond, fragment):
    errors = validate_condition(cond, question_codes=CODES)

    assert errors
    assert any(fragment in e for e in errors), errors


def test_error_paths_point_into_the_tree():
    cond = {"all": [{"q": "has_land", "op": "truthy"}, {"any": [{"q": "x", "op": "truthy"}]}]}

    errors = validate_condition(cond, question_codes=CODES)

    assert errors == ['all[1].any[0].q: unknown question "x"']


def test_deep_nesting_is_refused():
    cond: dict = {"q": "has_land", "op": "truthy"}
    for _ in range(30):
        cond = {"not": cond}

    errors = validate_condition(cond, question_codes=CODES)

    assert any("too deeply" in e for e in errors)


def test_evaluation_never_calls_eval(monkeypatch):
    def forbidden(*args, **kwargs):
        raise AssertionError("eval must never be called")

    monkeypatch.setattr(builtins, "eval", forbidden)
    monkeypatch.setattr(builtins, "exec", forbidden)
    cond = {"q": "has_land", "op": "eq", "value": "__import__('os').system('true')"}

    assert evaluate_condition(cond, answers={"has_land": True}, facts={}) is False
    assert validate_condition({"q": "__import__('os')", "op": "truthy"}, question_codes=CODES)


ANSWERS = {"has_land": True, "floors": 5, "uses": ["school", "shop"], "zero": 0}
FACTS = {"investment_type": "social", "floor_area": Decimal("12000.50"), "is_key_project": False}


@pytest.mark.parametrize(
    ("cond", "expected"),
    [
        ({}, True),
        ({"q": "has_land", "op": "eq", "value": True}, True),
        ({"q": "has_land", "op": "eq", "value": 1}, False),  # a bool is not a number
        ({"q": "has_land", "op": "ne", "value": False}, True),
        ({"q": "floors", "op": "gt", "value": 4}, True),
        ({"q": "floors", "op": "gte", "value": 5}, True),
        ({"q": "floors", "op": "lt", "value": 5}, False),
        ({"q": "floors", "op": "lte", "value": 5.0}, True),
        ({"q": "floors", "op": "eq", "value": 5.0}, True),
        ({"q": "floors", "op": "in", "value": [1, 5]}, True),
        ({"q": "floors", "op": "not_in", "value": [1, 5]}, False),
        ({"q": "uses", "op": "contains", "value": "school"}, True),
        ({"q": "uses", "op": "contains", "value": "hospital"}, False),
        ({"q": "uses", "op": "in", "value": ["shop", "hotel"]}, True),
        ({"q": "uses", "op": "not_in", "value": ["hotel"]}, True),
        ({"q": "zero", "op": "falsy"}, True),
        ({"q": "zero", "op": "truthy"}, False),
        ({"q": "unanswered", "op": "falsy"}, False),  # unanswered → false, whatever the op
        ({"q": "unanswered", "op": "ne", "value": 1}, False),
        ({"not": {"q": "unanswered", "op": "truthy"}}, True),
        ({"fact": "investment_type", "op": "eq", "value": "social"}, True),
        ({"fact": "floor_area", "op": "gt", "value": 10000}, True),
        ({"fact": "floor_area", "op": "lte", "value": 12000.5}, True),
        ({"fact": "is_key_project", "op": "falsy"}, True),
        ({"fact": "track", "op": "eq", "value": "x"}, False),
        ({"all": []}, True),
        ({"any": []}, False),
        (
            {"all": [{"q": "has_land", "op": "truthy"}, {"q": "floors", "op": "gt", "value": 9}]},
            False,
        ),
        (
            {"any": [{"q": "has_land", "op": "falsy"}, {"q": "floors", "op": "gt", "value": 4}]},
            True,
        ),
    ],
)
def test_evaluation_table(cond, expected):
    assert validate_condition(cond, question_codes=set(ANSWERS) | {"unanswered"}) == []
    assert evaluate_condition(cond, answers=ANSWERS, facts=FACTS) is expected


def test_question_codes_are_collected_from_the_tree():
    cond = {"all": [{"q": "a", "op": "truthy"}, {"not": {"any": [{"q": "b", "op": "falsy"}]}}]}

    assert condition_question_codes(cond) == {"a", "b"}
