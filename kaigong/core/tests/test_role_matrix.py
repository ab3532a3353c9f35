"""
Who may read a draw (kaigong/core/draws.py): everyone, anonymous included, because the
point of a draw is that a stranger can re-run it. Rows for the generated role matrix
(kaigong/cases/tests/api/test_role_matrix.py counts them).
"""

from __future__ import annotations

from django.contrib.auth import get_user_model

import pytest
from knox.models import AuthToken
from rest_framework.test import APIClient

from kaigong.core.draw_services import draw_prepare, draw_reveal
from kaigong.core.draws import Candidate

API_ROWS = {("GET", "/api/v1/draws/{public_id}/"): "public: anyone, anonymous included"}
PAGE_ROWS = {"draws/<uuid:public_id>/"}


def _client(user) -> APIClient:
    client = APIClient()
    if user is not None:
        _instance, token = AuthToken.objects.create(user=user)
        client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


@pytest.mark.django_db
def test_everyone_reads_a_draw_and_nobody_finds_an_unknown_one():
    users = get_user_model().objects
    reviewer = users.create_user(username="matrix-staff", password="x", is_staff=True)
    people = [None, users.create_user(username="matrix-person", password="x"), reviewer]
    draw = draw_prepare(
        purpose="抽取", candidates=[Candidate(id="a"), Candidate(id="b")], count=1, actor=reviewer
    )
    draw_reveal(draw=draw, witnesses=["见证人"], actor=reviewer)
    for person in people:
        client = _client(person)
        if person is not None:
            client.force_login(person)
        assert client.get(f"/api/v1/draws/{draw.public_id}/").status_code == 200
        assert client.get(f"/draws/{draw.public_id}/").status_code == 200
        unknown = "11111111-1111-1111-1111-111111111111"
        assert client.get(f"/api/v1/draws/{unknown}/").status_code == 404
        assert client.get(f"/draws/{unknown}/").status_code == 404
