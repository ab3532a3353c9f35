"""The demo load: through the services, idempotent, and true to the seeds' figures."""

from io import StringIO

from django.core.management import call_command

import pytest

from kaigong.accounts.models import Department, Enterprise, Membership, User
from kaigong.catalog.models import Bundle, CatalogRevision, MatterVersion
from kaigong.demo.data import people
from kaigong.demo.loader import demo_load


@pytest.mark.django_db
def test_demo_load_on_an_empty_database_prints_the_computed_figures():
    out = StringIO()
    call_command("demo_load", "--if-empty", stdout=out)
    text = out.getvalue()
    assert User.objects.count() == len(people.USERS)
    assert "16" in text and "10" in text and "34" in text


@pytest.mark.django_db
def test_demo_load_if_empty_does_nothing_the_second_time():
    call_command("demo_load", "--if-empty", stdout=StringIO())
    counts = (User.objects.count(), MatterVersion.objects.count(), Bundle.objects.count())

    out = StringIO()
    call_command("demo_load", "--if-empty", stdout=out)

    assert (User.objects.count(), MatterVersion.objects.count(), Bundle.objects.count()) == counts
    assert CatalogRevision.objects.count() == 1


@pytest.mark.django_db
def test_demo_load_twice_without_if_empty_changes_nothing():
    demo_load()
    counts = (
        User.objects.count(),
        Membership.objects.count(),
        Enterprise.objects.count(),
        Department.objects.count(),
        MatterVersion.objects.count(),
        Bundle.objects.count(),
    )

    result = demo_load()

    assert result.skipped is False
    assert result.created == {}  # found by natural key, nothing new
    assert (
        User.objects.count(),
        Membership.objects.count(),
        Enterprise.objects.count(),
        Department.objects.count(),
        MatterVersion.objects.count(),
        Bundle.objects.count(),
    ) == counts


@pytest.mark.django_db
def test_if_empty_skips_a_database_that_already_has_users():
    User.objects.create(username="someone")

    result = demo_load(if_empty=True)

    assert result.skipped is True
    assert CatalogRevision.objects.exists() is False
