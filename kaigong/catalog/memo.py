"""
The per-process memo of catalogue rows (issue #16 §3): the catalogue changes rarely and is
the same for every request, so the rows read from it (versions with their requirements,
fields, dependencies and certificate types; bundles; questions; which version is in force
on a date) are loaded once per process and reused while the catalogue's fingerprint is
unchanged.

Why a fingerprint, not the version id alone: a published version and its child rows never
change (``services._common.ensure_version_draft``; publishing writes drafts only; the
import writes into an empty catalogue only), but the rows they point to do — a material's
or a field's name (``material_upsert``, ``field_spec_upsert``), a certificate type, a
department, a stage, and the matter's name on every publication. The fingerprint is the
catalogue's generation (bumped by every write service, ``models.CatalogGeneration``) and
the count, highest id and latest change of every table a memoised load reads
(``TABLES``: writes made elsewhere, a department's by ``accounts``, change those), in one
query, read once per request (``request_cached``; every write service of the
catalogue is ``@writes_catalogue``, which forgets it, so that a request writing the
catalogue reads it afresh afterwards and never stores new rows under the old key). Every key starts with it, so a change anywhere in those
tables is a new key and the old entries age out.

Entries are bounded (``MEMO_SIZE``, the oldest goes first) and shared between the
threads of a worker: a value is built outside the lock and stored under it, and values
are never changed after they are stored — callers read the cached model instances (and
their prefetched rows) and never set anything on them.

Tests clear the memo between tests (``memo_clear``, the root conftest): on SQLite the ids
and timestamps of rolled-back tests repeat, and so could a fingerprint.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable, Hashable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any, TypeVar

from kaigong.core.request_cache import request_cache_forget, request_cached

if TYPE_CHECKING:
    from django.db.models import Model

T = TypeVar("T")
K = TypeVar("K", bound=Hashable)

# Every table a memoised load reads (``selectors._version_queryset``, ``bundle_list``, the
# questions), many-to-many tables included ("app.Model.field").
TABLES = (
    "catalog.MatterVersion",
    "catalog.MatterVersion.certificate_types",
    "catalog.Matter",
    "catalog.CatalogRevision",
    "catalog.MaterialRequirement",
    "catalog.MatterField",
    "catalog.FieldSpec",
    "catalog.MatterDependency",
    "catalog.Material",
    "catalog.Bundle",
    "catalog.BundleItem",
    "catalog.JointIssuanceRule",
    "catalog.JointIssuanceRule.certificate_types",
    "catalog.Question",
    "catalog.Stage",
    "catalog.ProcessTrack",
    "catalog.CertificateType",
    "accounts.Department",
)
MEMO_SIZE = 4096
FINGERPRINT_KEY = ("catalog", "fingerprint")

_memo: dict[tuple, Any] = {}
_lock = threading.Lock()
_MISSING = object()


def table_models() -> list[type[Model]]:
    """The models of ``TABLES`` (through models for the many-to-many ones)."""
    from django.apps import apps

    models: list[type[Model]] = []
    for label in TABLES:
        app, name, *relation = label.split(".")
        model = apps.get_model(app, name)
        if relation:
            model = model._meta.get_field(relation[0]).remote_field.through
        models.append(model)
    return models


def _read_fingerprint() -> tuple:
    from django.db import connection

    from kaigong.catalog.models import CatalogGeneration

    generation = connection.ops.quote_name(CatalogGeneration._meta.db_table)
    parts = [f"(SELECT MAX(number) FROM {generation})"]
    for model in table_models():
        table = connection.ops.quote_name(model._meta.db_table)
        part = f"(SELECT COUNT(*) FROM {table}), (SELECT MAX(id) FROM {table})"
        if any(f.name == "updated_at" for f in model._meta.concrete_fields):
            part += f", (SELECT MAX(updated_at) FROM {table})"
        parts.append(part)
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(parts))
        return tuple(str(v) for v in cursor.fetchone())


_pinned: ContextVar[tuple | None] = ContextVar("kaigong_catalogue_fingerprint", default=None)


def catalogue_fingerprint() -> tuple:
    """Count, highest id and latest change of every table in ``TABLES`` and the
    catalogue's generation: one query, read once per request (every time outside one,
    except within ``one_fingerprint``)."""
    pinned = _pinned.get()
    if pinned is not None:
        return pinned
    return request_cached(FINGERPRINT_KEY, _read_fingerprint)


@contextmanager
def one_fingerprint() -> Iterator[None]:
    """A read of the catalogue made of several memoised parts asks for the fingerprint
    once, in a request or not (a block that reads only: no write in it)."""
    if _pinned.get() is not None:
        yield
        return
    token = _pinned.set(catalogue_fingerprint())
    try:
        yield
    finally:
        _pinned.reset(token)


def fingerprint_forget() -> None:
    """After a catalogue write in a request: its next read asks the database again."""
    request_cache_forget(FINGERPRINT_KEY)


F = TypeVar("F", bound=Callable[..., Any])


def catalogue_changed() -> None:
    """Bump the catalogue's generation, in the transaction of the write (``writes_catalogue``
    does it for the services; the import calls it itself)."""
    from django.db.models import F as Column

    from kaigong.catalog.models import CatalogGeneration

    if not CatalogGeneration.objects.filter(pk=1).update(number=Column("number") + 1):
        CatalogGeneration.objects.get_or_create(pk=1, defaults={"number": 1})


def writes_catalogue(service: F) -> F:
    """
    A service writing a table of ``TABLES``: in one transaction with its writes the
    catalogue's generation is bumped (the fingerprint changes whatever the clock says), and
    the request's fingerprint is forgotten when it returns or raises. Put it under
    ``@transaction.atomic``: it joins that transaction (no savepoint).
    """

    @functools.wraps(service)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from django.db import transaction

        try:
            with transaction.atomic(savepoint=False):
                result = service(*args, **kwargs)
                catalogue_changed()
            return result
        finally:
            fingerprint_forget()

    return wrapper  # type: ignore[return-value]


def _store(key: tuple, value: Any) -> Any:
    with _lock:
        kept = _memo.get(key, _MISSING)
        if kept is not _MISSING:
            return kept  # another thread loaded it meanwhile: one value per key
        while len(_memo) >= MEMO_SIZE:  # the oldest goes first: stale fingerprints
            del _memo[next(iter(_memo))]
        _memo[key] = value
        return value


def memoised(key: tuple, load: Callable[[], T]) -> T:
    """``load()`` once per catalogue fingerprint for ``key``."""
    full = (catalogue_fingerprint(), *key)
    value = _memo.get(full, _MISSING)
    if value is _MISSING:
        value = _store(full, load())
    return value


def memoised_many(kind: str, ids: Iterable[K], load: Callable[[list[K]], dict[K, T]]) -> dict[K, T]:
    """
    ``{id: row}`` for ``ids``, those not memoised loaded together by ``load(missing)``
    (which returns ``{id: row}``; an id it leaves out is not memoised and left out).
    """
    fingerprint = catalogue_fingerprint()
    found: dict[K, T] = {}
    missing: list[K] = []
    for id_ in dict.fromkeys(ids):
        value = _memo.get((fingerprint, kind, id_), _MISSING)
        if value is _MISSING:
            missing.append(id_)
        else:
            found[id_] = value
    if missing:
        for id_, value in load(missing).items():
            found[id_] = _store((fingerprint, kind, id_), value)
    return found


def memo_clear() -> None:
    """Forget everything (tests; a process never needs to: keys change with the data)."""
    with _lock:
        _memo.clear()
    request_cache_forget(FINGERPRINT_KEY)
