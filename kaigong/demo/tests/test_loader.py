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
    from kaigong.inspections.models import Expert

    usernames = set(User.objects.values_list("username", flat=True))
    listed = {row[0] for row in people.USERS}
    # beside the listed people, the 滨州 joint review's panel experts sign their own opinions,
    # so each of them (the recused one aside) has an account of its own
    experts = set(
        Expert.objects.filter(user__isnull=False).values_list("user__username", flat=True)
    )
    assert experts and all(name.startswith("binzhou_expert") for name in experts)
    assert usernames == listed | experts
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
