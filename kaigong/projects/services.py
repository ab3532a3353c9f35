"""
Writes owned by projects: register a project, keep its situation answers, issue and
rotate service codes. Every write leaves an audit record; nothing is saved half-way.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kaigong.accounts.models import Enterprise, User
from kaigong.accounts.roles import Role
from kaigong.accounts.selectors import user_has_role
from kaigong.catalog.constants import QuestionKind
from kaigong.catalog.models import ProcessTrack, Question
from kaigong.core.exceptions import InvalidInput
from kaigong.core.services import audit_record, notification_send

from .constants import ErrorCode, ServiceCodeScope
from .geofence import polygon_parse
from .models import Project, ServiceCode
from .permissions import (
    ensure_can_assign_helpers,
    ensure_can_create_project,
    ensure_can_edit_project,
    ensure_can_manage_service_code,
    ensure_can_set_site,
    is_enterprise_member,
)
from .validators import (
    normalise_investment_code,
    validate_coordinates,
    validate_investment_project_code,
)

# rule: a service code carries at least 128 random bits; 32 bytes give 256 (secrets module)
TOKEN_BYTES = 32


def _invalid(name: str, error: ValidationError) -> InvalidInput:
    params = [
        {"name": name, "code": e.code or "invalid", "reason": str(e.message % (e.params or {}))}
        for e in error.error_list
    ]
    return InvalidInput(params[0]["reason"], code=params[0]["code"], invalid_params=params)


def _invalid_from_model(error: ValidationError) -> InvalidInput:
    params = [
        {"name": field, "code": e.code or "invalid", "reason": str(e.message % (e.params or {}))}
        for field, errors in error.error_dict.items()
        for e in errors
    ]
    code = params[0]["code"] if len(params) == 1 else "invalid_input"
    return InvalidInput(_("Some of the data is not valid."), code=code, invalid_params=params)


@transaction.atomic
def project_create(
    *,
    actor: User,
    enterprise: Enterprise,
    name: str,
    region_code: str,
    investment_type: str = "social",
    category: str = "civil_building",
    track: ProcessTrack | None = None,
    investment_project_code: str = "",
    address: str = "",
    latitude: Decimal | None = None,
    longitude: Decimal | None = None,
    land_area: Decimal | None = None,
    floor_area: Decimal | None = None,
    total_investment: Decimal | None = None,
    is_key_project: bool = False,
    key_project_level: str = "",
    helpers: Iterable[User] = (),
) -> Project:
    """
    Register a project for ``enterprise``. Staff registering on the enterprise's behalf
    are recorded in ``registered_by`` and in the audit record.

    Errors: ``investment_code_format``, ``coordinates``, ``key_project_level``,
    ``invalid_input`` (400); ``permission_denied`` (403).
    """
    ensure_can_create_project(actor, enterprise, region_code)
    code = normalise_investment_code(investment_project_code)
    if code:
        try:
            validate_investment_project_code(code)
        except ValidationError as exc:
            raise _invalid("investment_project_code", exc) from None
    try:
        validate_coordinates(latitude, longitude)
    except ValidationError as exc:
        raise _invalid("latitude", exc) from None
    if key_project_level and not is_key_project:
        raise InvalidInput(
            _("A key-project level needs the key-project flag."),
            code="key_project_level",
            invalid_params=[
                {
                    "name": "key_project_level",
                    "code": "key_project_level",
                    "reason": _("A key-project level needs the key-project flag."),
                }
            ],
        )
    project = Project(
        enterprise=enterprise,
        name=(name or "").strip(),
        investment_project_code=code,
        investment_type=investment_type,
        category=category,
        track=track,
        region_code=(region_code or "").strip(),
        address=(address or "").strip(),
        latitude=latitude,
        longitude=longitude,
        land_area=land_area,
        floor_area=floor_area,
        total_investment=total_investment,
        is_key_project=is_key_project,
        key_project_level=key_project_level or "",
        registered_by=actor,
    )
    try:
        project.full_clean()
    except ValidationError as exc:
        raise _invalid_from_model(exc) from None
    project.save()
    if helpers:
        project.helpers.set(list(helpers))
    on_behalf = not is_enterprise_member(actor, enterprise.id)
    audit_record(
        actor=actor,
        action="project_registered_on_behalf" if on_behalf else "project_registered",
        obj=project,
        summary=project.name,
        data={"enterprise": str(enterprise.public_id), "on_behalf": on_behalf},
    )
    service_code_ensure(enterprise=enterprise, project=None, actor=actor)
    service_code_ensure(enterprise=enterprise, project=project, actor=actor)
    notification_send(
        kind="project_registered",
        title=_("Project registered: %(name)s") % {"name": project.name},
        body=_(
            "Next step: answer the situation questions, then read your customised guide "
            "and timeline."
        ),
        link=f"/projects/{project.public_id}/",
        enterprise=enterprise,
    )
    return project


MAX_SITE_RADIUS_M = 20_000


@transaction.atomic
def project_site_set(
    *,
    actor: User,
    project: Project,
    latitude: Decimal | None,
    longitude: Decimal | None,
    radius_m: int | None = None,
    red_line: Any = None,
) -> Project:
    """
    Set the project's site fence (工程项目红线): its point, the radius around it, and the
    red-line polygon where it has one. Every site inspection of the project checks the
    on-site device's location against it (the red line when there is one, else the circle).

    Errors: ``coordinates``, ``red_line``, ``site_radius`` (400); ``permission_denied`` (403).
    """
    ensure_can_set_site(actor, project)
    try:
        validate_coordinates(latitude, longitude)
    except ValidationError as exc:
        raise _invalid("latitude", exc) from None
    radius = project.site_radius_m if radius_m is None else radius_m
    if (
        isinstance(radius, bool)
        or not isinstance(radius, int)
        or not 10 <= radius <= MAX_SITE_RADIUS_M
    ):
        reason = _("The radius is 10 to 20 000 metres.")
        raise InvalidInput(reason, code="site_radius",
                           invalid_params=[{"name": "radius_m", "code": "site_radius", "reason": reason}])  # fmt: skip
    polygon = polygon_parse(red_line)
    project = Project.objects.select_for_update().get(pk=project.pk)
    before = {"point": [str(project.latitude), str(project.longitude)],
              "radius_m": project.site_radius_m, "red_line": len(project.red_line or [])}  # fmt: skip
    project.latitude, project.longitude = latitude, longitude
    project.site_radius_m, project.red_line = radius, polygon
    project.save(update_fields=["latitude", "longitude", "site_radius_m", "red_line", "updated_at"])
    audit_record(
        actor=actor, action="project_site_set", obj=project, summary=project.name,
        data={"before": before, "point": [str(latitude), str(longitude)], "radius_m": radius,
              "red_line": len(polygon)},
    )  # fmt: skip
    return project


def _answer_error(code: str, reason: str) -> dict[str, str]:
    return {"name": f"answers.{code}", "code": ErrorCode.INVALID_ANSWER, "reason": reason}


def _clean_answer(question: Question, value: Any) -> tuple[Any, str | None]:
    """Return (cleaned value, None) or (None, reason)."""
    allowed = {str(c.get("value")) for c in question.choices or [] if isinstance(c, dict)}
    if question.kind == QuestionKind.YES_NO:
        if isinstance(value, bool):
            return value, None
        if value in ("true", "yes", "1", 1):
            return True, None
        if value in ("false", "no", "0", 0):
            return False, None
        return None, _("Answer yes or no.")
    if question.kind == QuestionKind.SINGLE:
        if isinstance(value, str | int) and str(value) in allowed:
            return str(value), None
        return None, _("Choose one of the listed answers.")
    if question.kind == QuestionKind.MULTIPLE:
        values = [value] if isinstance(value, str) else value
        if isinstance(values, list) and all(str(v) in allowed for v in values):
            return sorted({str(v) for v in values}), None
        return None, _("Choose among the listed answers.")
    if question.kind == QuestionKind.NUMBER:
        if isinstance(value, bool):
            return None, _("Give a number.")
        try:
            number = Decimal(str(value))
        except Exception:  # noqa: BLE001 - any unparsable input is the same error
            return None, _("Give a number.")
        if not number.is_finite():
            return None, _("Give a number.")
        return (int(number) if number == number.to_integral_value() else float(number)), None
    return None, _("This question cannot be answered.")


@transaction.atomic
def project_answers_update(
    *, project: Project, actor: User, answers: Mapping[str, Any], replace: bool = False
) -> Project:
    """
    Record situation answers (question code → answer); ``None`` clears an answer. With
    ``replace`` the given answers become the whole set.

    Errors: ``unknown_question``, ``invalid_answer`` (400, nothing saved);
    ``permission_denied`` (403).
    """
    ensure_can_edit_project(actor, project)
    if not isinstance(answers, Mapping):
        raise InvalidInput(_("Answers are an object of question code → answer."))
    questions = {q.code: q for q in Question.objects.filter(code__in=list(answers))}
    unknown = sorted(set(answers) - set(questions))
    if unknown:
        raise InvalidInput(
            _("Unknown question: %(codes)s.") % {"codes": ", ".join(unknown)},
            code=ErrorCode.UNKNOWN_QUESTION,
            invalid_params=[
                {
                    "name": f"answers.{code}",
                    "code": ErrorCode.UNKNOWN_QUESTION,
                    "reason": _("There is no question with this code."),
                }
                for code in unknown
            ],
        )
    cleaned: dict[str, Any] = {} if replace else dict(project.answers or {})
    errors = []
    for code, value in answers.items():
        if value is None or value == "":
            cleaned.pop(code, None)
            continue
        clean, reason = _clean_answer(questions[code], value)
        if reason is not None:
            errors.append(_answer_error(code, reason))
        else:
            cleaned[code] = clean
    if errors:
        raise InvalidInput(
            errors[0]["reason"], code=ErrorCode.INVALID_ANSWER, invalid_params=errors
        )
    previous = project.answers
    project.answers = cleaned
    project.save(update_fields=["answers", "updated_at"])
    audit_record(
        actor=actor,
        action="project_answers_updated",
        obj=project,
        data={"before": previous, "after": cleaned},
    )
    return project


@transaction.atomic
def project_helpers_set(*, project: Project, helpers: Iterable[User], actor: User) -> Project:
    """Assign the helpers (帮办代办员) of a project: a window clerk of its jurisdiction."""
    ensure_can_assign_helpers(actor, project)
    helpers = list(helpers)
    for helper in helpers:
        if not user_has_role(helper, Role.HELPER):
            raise InvalidInput(_("%(user)s is not a helper.") % {"user": helper}, code="not_helper")
    project.helpers.set(helpers)
    audit_record(
        actor=actor,
        action="project_helpers_set",
        obj=project,
        data={"helpers": [str(h.public_id) for h in helpers]},
    )
    return project


def _new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


@transaction.atomic
def service_code_ensure(
    *, enterprise: Enterprise, project: Project | None = None, actor: User | None = None
) -> ServiceCode:
    """Return the current service code of the enterprise (or project), creating it once."""
    scope = ServiceCodeScope.PROJECT if project is not None else ServiceCodeScope.ENTERPRISE
    current = (
        ServiceCode.objects.select_for_update()
        .filter(enterprise=enterprise, project=project, scope=scope, is_active=True)
        .first()
    )
    if current is not None:
        return current
    code = ServiceCode(
        scope=scope, enterprise=enterprise, project=project, token=_new_token(), created_by=actor
    )
    code.full_clean()
    code.save()
    audit_record(
        actor=actor,
        action="service_code_issued",
        obj=code,
        data={"scope": scope, "project": str(project.public_id) if project else ""},
    )
    return code


@transaction.atomic
def service_code_rotate(
    *, enterprise: Enterprise, project: Project | None = None, actor: User
) -> ServiceCode:
    """
    Retire the current code and issue a new one: the old token resolves to nothing from
    now on (a code that leaked stops working).

    Errors: ``permission_denied`` (403).
    """
    ensure_can_manage_service_code(actor, enterprise, project)
    scope = ServiceCodeScope.PROJECT if project is not None else ServiceCodeScope.ENTERPRISE
    now = timezone.now()
    old = list(
        ServiceCode.objects.select_for_update().filter(
            enterprise=enterprise, project=project, scope=scope, is_active=True
        )
    )
    for code in old:
        code.is_active = False
        code.rotated_at = now
        code.save(update_fields=["is_active", "rotated_at", "updated_at"])
    new = ServiceCode(
        scope=scope, enterprise=enterprise, project=project, token=_new_token(), created_by=actor
    )
    new.full_clean()
    new.save()
    audit_record(
        actor=actor,
        action="service_code_rotated",
        obj=new,
        data={"scope": scope, "retired": [str(c.public_id) for c in old]},
    )
    return new


def _enterprise_for(actor: User, enterprise_public_id: Any) -> Enterprise:
    from kaigong.accounts.selectors import enterprise_list_for, user_enterprise_ids
    from kaigong.core.exceptions import NotFound

    if enterprise_public_id:
        enterprise = enterprise_list_for(actor).filter(public_id=enterprise_public_id).first()
        if enterprise is None:
            raise NotFound(_("There is no such enterprise."), code="enterprise_not_found")
        return enterprise
    own = list(Enterprise.objects.filter(id__in=user_enterprise_ids(actor))[:2])
    if len(own) != 1:
        raise InvalidInput(
            _("Say which enterprise the project belongs to."),
            code="enterprise_required",
            invalid_params=[
                {"name": "enterprise", "code": "enterprise_required", "reason": _("Required.")}
            ],
        )
    return own[0]


def _track_for(code: str) -> ProcessTrack | None:
    if not code:
        return None
    track = ProcessTrack.objects.filter(code=code).first()
    if track is None:
        raise InvalidInput(
            _("There is no process track with this code."),
            code="unknown_track",
            invalid_params=[{"name": "track", "code": "unknown_track", "reason": code}],
        )
    return track


def project_register(
    *, actor: User, enterprise_public_id: Any = None, track_code: str = "", **fields: Any
) -> Project:
    """``project_create`` for interfaces: the enterprise by public id, the track by code."""
    enterprise = _enterprise_for(actor, enterprise_public_id)
    return project_create(
        actor=actor, enterprise=enterprise, track=_track_for(track_code), **fields
    )


def service_code_for(
    *, actor: User, enterprise: Enterprise, project: Project | None = None
) -> ServiceCode:
    """The current code, for the enterprise itself only (created on first request)."""
    ensure_can_manage_service_code(actor, enterprise, project)
    return service_code_ensure(enterprise=enterprise, project=project, actor=actor)
