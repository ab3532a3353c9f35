"""
PostgreSQL binds parameters itself and keeps prepared statements per connection
(config/settings/base.py ``postgres_prepared_statements``, docs/adr/0006).
"""

from django.db import connection

import pytest

from config.settings.base import postgres_prepared_statements


def _postgres() -> dict:
    return {"ENGINE": "django.db.backends.postgresql", "NAME": "kaigong", "OPTIONS": {}}


def test_postgres_binds_server_side_and_prepares_after_five_runs_by_default(monkeypatch):
    monkeypatch.delenv("DATABASE_SERVER_SIDE_BINDING", raising=False)
    monkeypatch.delenv("DATABASE_PREPARE_THRESHOLD", raising=False)
    database = _postgres()
    postgres_prepared_statements(database)
    assert database["OPTIONS"] == {"server_side_binding": True, "prepare_threshold": 5}


def test_the_environment_sets_the_threshold_or_turns_binding_off(monkeypatch):
    monkeypatch.delenv("DATABASE_SERVER_SIDE_BINDING", raising=False)
    monkeypatch.setenv("DATABASE_PREPARE_THRESHOLD", "2")
    database = _postgres()
    postgres_prepared_statements(database)
    assert database["OPTIONS"]["prepare_threshold"] == 2

    monkeypatch.setenv("DATABASE_SERVER_SIDE_BINDING", "false")
    database = _postgres()
    postgres_prepared_statements(database)
    assert database["OPTIONS"] == {}


def test_sqlite_is_left_as_it_is(monkeypatch):
    monkeypatch.delenv("DATABASE_SERVER_SIDE_BINDING", raising=False)
    database = {"ENGINE": "django.db.backends.sqlite3", "NAME": "x.sqlite3", "OPTIONS": {}}
    postgres_prepared_statements(database)
    assert database["OPTIONS"] == {}


@pytest.mark.django_db
def test_a_statement_run_often_is_prepared_once_on_the_connection():
    if connection.vendor != "postgresql":
        pytest.skip("prepared statements are PostgreSQL's")
    marker = "kaigong_prepared_probe"
    sql = f"SELECT %s::int + 1 AS {marker}"
    connection.ensure_connection()
    threshold = connection.connection.prepare_threshold
    assert threshold is not None  # the test settings prepare as production does
    with connection.cursor() as cursor:
        answers = []
        for n in range(threshold + 2):
            cursor.execute(sql, [n])
            answers.append(cursor.fetchone()[0])
        cursor.execute(
            "SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s",
            [f"%{marker}%"],
        )
        prepared = cursor.fetchone()[0]
    assert answers == [n + 1 for n in range(threshold + 2)]  # the parameters still bind
    assert prepared == 1
