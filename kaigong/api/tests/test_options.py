"""OPTIONS answers every API URL with its name and media types, never a 500."""

import pytest
from knox.models import AuthToken
from rest_framework.test import APIClient

from kaigong.accounts.tests.factories import UserFactory


@pytest.mark.django_db
def test_options_on_a_command_url_describes_it_without_reading_the_object():
    client = APIClient()
    _instance, token = AuthToken.objects.create(user=UserFactory())
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    some = "e3e70682-c209-4cac-629f-6fbed82c07cd"

    for url in (
        f"/api/v1/inspections/{some}/results/{some}/",  # a PUT command behind a service
        f"/api/v1/items/{some}/opinions/",
        "/api/v1/cases/",
    ):
        response = client.options(url)
        assert response.status_code == 200, url
        body = response.json()
        assert "application/json" in body["renders"] and "actions" not in body
