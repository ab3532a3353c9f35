"""The demo load: through the services, idempotent, and true to the seeds' figures."""

from io import StringIO

from django.core.management import call_command

import pytest

from kaigong.accounts.models import Department, Enterprise, Membership, User
from kaigong.catalog.models import Bundle, CatalogRevision, MatterVersion
from kaigong.demo.data import people
from kaigong.demo.loader import demo_load
from kaigong.supervision.models import SupervisionOrder


@pytest.mark.django_db
def test_demo_load_prints_the_computed_figures_and_loading_again_changes_nothing():
    """
    One test, two full loads (each goes through every service and takes a while): the first
    on an empty database prints the figures it computed; ``--if-empty`` then does nothing;
    a second full load finds everything by its natural key and creates nothing.
    """
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

    def counts():
        return (
            User.objects.count(),
            Membership.objects.count(),
            Enterprise.objects.count(),
            Department.objects.count(),
            MatterVersion.objects.count(),
            Bundle.objects.count(),
            SupervisionOrder.objects.count(),
        )

    before = counts()
    again = StringIO()
    call_command("demo_load", "--if-empty", stdout=again)
    assert counts() == before
    assert CatalogRevision.objects.count() == 1

    result = demo_load()

    assert result.skipped is False
    assert result.created == {}  # found by natural key, nothing new
    assert counts() == before


@pytest.mark.django_db
def test_if_empty_skips_a_database_that_already_has_users():
    User.objects.create(username="someone")

    result = demo_load(if_empty=True)

    assert result.skipped is True
    assert CatalogRevision.objects.exists() is False
