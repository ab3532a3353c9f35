"""
Situation conditions (情形) as safe JSON: which matters, materials and fields apply.

A condition is data, never code. It is checked against a closed grammar and evaluated by
a small interpreter; nothing is ever passed to ``eval``.

    {}                                            always true
    {"all": [c, …]}                               every one holds (empty list: true)
    {"any": [c, …]}                               at least one holds (empty list: false)
    {"not": c}                                    c does not hold
    {"q": "<question code>", "op": …, "value": …} on the applicant's answer
    {"fact": "<project attribute>", "op": …, "value": …} on the project

Operators: eq, ne, in, not_in, gt, gte, lt, lte, truthy, falsy, contains. ``truthy`` and
``falsy`` take no value; ``in``/``not_in`` take a list; ``gt``/``gte``/``lt``/``lte`` a
number. A leaf whose question is unanswered (or whose fact is unknown) is false, whatever
its operator; ``{"not": …}`` around it is then true.

When the answer is a list (a several-choices question): ``eq`` compares the whole list,
``in`` holds when one chosen value is in the list, ``not_in`` when none is, ``contains``
when the value was chosen.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

OPERATORS = frozenset(
    {"eq", "ne", "in", "not_in", "gt", "gte", "lt", "lte", "truthy", "falsy", "contains"}
)
FACTS = frozenset(
    {
        "investment_type",
        "track",
        "category",
        "is_key_project",
        "region_code",
        "floor_area",
        "land_area",
        "total_investment",
    }
)
NO_VALUE_OPERATORS = frozenset({"truthy", "falsy"})
LIST_OPERATORS = frozenset({"in", "not_in"})
NUMBER_OPERATORS = frozenset({"gt", "gte", "lt", "lte"})
COMBINATORS = frozenset({"all", "any", "not"})
LEAF_KEYS = frozenset({"q", "fact", "op", "value"})
MAX_DEPTH = 12
MAX_NODES = 500


def _is_scalar(value: Any) -> bool:
    return value is None or isinstance(value, str | int | float | bool)


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float | Decimal) and not isinstance(value, bool)


def validate_condition(cond: Any, *, question_codes: Collection[str]) -> list[str]:
    """
    Return every error in ``cond`` (empty: valid). Each error starts with its path, e.g.
    ``all[1].op: unknown operator "like"``.
    """
    errors: list[str] = []
    counter = [0]
    _validate(cond, path="", depth=0, codes=question_codes, errors=errors, counter=counter)
    return errors


def _at(path: str, message: str) -> str:
    return f"{path or '$'}: {message}"


def _validate(
    cond: Any, *, path: str, depth: int, codes: Collection[str], errors: list, counter: list
) -> None:
    counter[0] += 1
    if counter[0] > MAX_NODES:
        if counter[0] == MAX_NODES + 1:
            errors.append(_at(path, _("the condition is too large")))
        return
    if depth > MAX_DEPTH:
        errors.append(_at(path, _("the condition is nested too deeply")))
        return
    if not isinstance(cond, dict):
        errors.append(_at(path, _("a condition must be a JSON object")))
        return
    if not cond:
        return
    keys = set(cond)
    combinators = keys & COMBINATORS
    if combinators:
        if len(keys) != 1:
            listed = ", ".join(sorted(map(str, keys)))
            errors.append(_at(path, _("a combinator must be the only key, found: %s") % listed))
            return
        key = next(iter(keys))
        inner = cond[key]
        if key == "not":
            _validate(
                inner, path=f"{path}.not" if path else "not", depth=depth + 1, codes=codes,
                errors=errors, counter=counter,
            )  # fmt: skip
            return
        if not isinstance(inner, list):
            errors.append(_at(path, _('"%s" takes a list of conditions') % key))
            return
        for index, child in enumerate(inner):
            child_path = f"{path}.{key}[{index}]" if path else f"{key}[{index}]"
            _validate(
                child, path=child_path, depth=depth + 1, codes=codes, errors=errors,
                counter=counter,
            )  # fmt: skip
        return
    unknown = keys - LEAF_KEYS
    if unknown:
        errors.append(_at(path, _("unknown keys: %s") % ", ".join(sorted(map(str, unknown)))))
        return
    has_q = "q" in cond
    has_fact = "fact" in cond
    if has_q == has_fact:
        errors.append(_at(path, _('a test names exactly one of "q" (question) or "fact"')))
        return
    if has_q:
        code = cond["q"]
        if not isinstance(code, str) or code not in codes:
            errors.append(_at(f"{path}.q" if path else "q", _('unknown question "%s"') % code))
    else:
        fact = cond["fact"]
        if not isinstance(fact, str) or fact not in FACTS:
            errors.append(_at(f"{path}.fact" if path else "fact", _('unknown fact "%s"') % fact))
    op = cond.get("op")
    op_path = f"{path}.op" if path else "op"
    value_path = f"{path}.value" if path else "value"
    if op is None:
        errors.append(_at(op_path, _("an operator is required")))
        return
    if not isinstance(op, str) or op not in OPERATORS:
        errors.append(_at(op_path, _('unknown operator "%s"') % op))
        return
    has_value = "value" in cond
    value = cond.get("value")
    if op in NO_VALUE_OPERATORS:
        if has_value:
            errors.append(_at(value_path, _('"%s" takes no value') % op))
        return
    if not has_value:
        errors.append(_at(value_path, _('"%s" needs a value') % op))
        return
    if op in LIST_OPERATORS:
        if not isinstance(value, list) or not all(_is_scalar(v) for v in value):
            errors.append(_at(value_path, _('"%s" takes a list of plain values') % op))
    elif op in NUMBER_OPERATORS:
        if not _is_number(value):
            errors.append(_at(value_path, _('"%s" takes a number') % op))
    elif op == "eq" or op == "ne":
        if not (_is_scalar(value) or (isinstance(value, list) and all(map(_is_scalar, value)))):
            errors.append(_at(value_path, _('"%s" takes a plain value') % op))
    elif not _is_scalar(value):  # contains
        errors.append(_at(value_path, _('"%s" takes a plain value') % op))


def evaluate_condition(
    cond: Mapping[str, Any] | None, *, answers: Mapping[str, Any], facts: Mapping[str, Any]
) -> bool:
    """
    Whether ``cond`` holds for these answers and project facts. ``cond`` must have been
    validated; anything outside the grammar evaluates to false rather than raising.
    """
    return _evaluate(cond or {}, answers, facts, 0)


def _evaluate(cond: Any, answers: Mapping[str, Any], facts: Mapping[str, Any], depth: int) -> bool:
    if depth > MAX_DEPTH or not isinstance(cond, Mapping):
        return False
    if not cond:
        return True
    if "all" in cond:
        children = cond["all"]
        return isinstance(children, list) and all(
            _evaluate(c, answers, facts, depth + 1) for c in children
        )
    if "any" in cond:
        children = cond["any"]
        return isinstance(children, list) and any(
            _evaluate(c, answers, facts, depth + 1) for c in children
        )
    if "not" in cond:
        return not _evaluate(cond["not"], answers, facts, depth + 1)
    if "q" in cond:
        source, key = answers, cond["q"]
    elif "fact" in cond:
        source, key = facts, cond["fact"]
    else:
        return False
    if not isinstance(key, str) or key not in source:
        return False
    actual = source[key]
    if actual is None or actual == "" or actual == []:
        return False
    return _test(cond.get("op"), actual, cond.get("value"))


def _number(value: Any) -> Decimal | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | Decimal):
        return Decimal(value)
    if isinstance(value, float | str):
        try:
            return Decimal(str(value).strip())
        except InvalidOperation:
            return None
    return None


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, bool) or isinstance(b, bool):
        return isinstance(a, bool) and isinstance(b, bool) and a == b
    if _is_number(a) and _is_number(b):
        return _number(a) == _number(b)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    return type(a) is type(b) and a == b


def _member(item: Any, values: Any) -> bool:
    return isinstance(values, list) and any(_same(item, v) for v in values)


def _test(op: Any, actual: Any, value: Any) -> bool:
    if op == "truthy":
        return bool(actual)
    if op == "falsy":
        return not actual
    if op == "eq":
        return _same(actual, value)
    if op == "ne":
        return not _same(actual, value)
    if op == "in":
        if isinstance(actual, list):
            return any(_member(a, value) for a in actual)
        return _member(actual, value)
    if op == "not_in":
        if not isinstance(value, list):
            return False
        if isinstance(actual, list):
            return not any(_member(a, value) for a in actual)
        return not _member(actual, value)
    if op == "contains":
        if isinstance(actual, list):
            return _member(value, actual)
        if isinstance(actual, str) and isinstance(value, str):
            return value in actual
        return False
    if op in NUMBER_OPERATORS:
        left, right = _number(actual), _number(value)
        if left is None or right is None:
            return False
        return {
            "gt": left > right,
            "gte": left >= right,
            "lt": left < right,
            "lte": left <= right,
        }[op]
    return False


def condition_question_codes(cond: Any) -> set[str]:
    """The question codes a condition refers to (for reports and dependency checks)."""
    found: set[str] = set()
    stack = [cond]
    while stack:
        node = stack.pop()
        if isinstance(node, Mapping):
            if isinstance(node.get("q"), str):
                found.add(node["q"])
            for key in ("all", "any"):
                if isinstance(node.get(key), list):
                    stack.extend(node[key])
            if "not" in node:
                stack.append(node["not"])
    return found
