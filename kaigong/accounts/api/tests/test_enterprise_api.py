import pytest

from kaigong.accounts.models import Enterprise, Membership, User
from kaigong.accounts.roles import Role
from kaigong.accounts.tests.factories import EnterpriseFactory, make_uscc, user_with_role
from kaigong.core.models import AuditRecord

URL = "/api/v1/enterprises/"


def _payload(**extra):
    return {
        "uscc": make_uscc(777001),
        "name": "潍坊新建设有限公司",
        "legal_representative": "李四",
        "username": "weifang-new",
        "password": "Kaigong-s3cure-pass",
        "full_name": "王五",
        "phone": "13800000000",
        **extra,
    }


@pytest.mark.django_db
def test_self_sign_up_creates_the_user_the_enterprise_and_an_admin_membership(api_client):
    response = api_client.post(URL, _payload(), format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["on_behalf"] is False
    enterprise = Enterprise.objects.get(public_id=body["enterprise"]["public_id"])
    assert enterprise.registered_by is None
    membership = Membership.objects.get(user__username="weifang-new")
    assert (membership.role, membership.enterprise, membership.is_enterprise_admin) == (
        Role.APPLICANT,
        enterprise,
        True,
    )
    assert "password" not in body


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"uscc": "wrong-check"}, "uscc_checksum"),
        ({"uscc": "9137"}, "uscc_length"),
        ({"password": "123"}, "weak_password"),
        ({"username": ""}, "username_required"),
    ],
)
def test_bad_sign_up_is_a_clear_error_and_nothing_is_saved(api_client, changes, code):
    if changes.get("uscc") == "wrong-check":
        valid = make_uscc(777001)
        changes = {"uscc": valid[:-1] + ("0" if valid[-1] != "0" else "1")}
    response = api_client.post(URL, _payload(**changes), format="json")
    assert response.status_code == 400
    assert response.json()["code"] == code
    assert Enterprise.objects.count() == 0
    assert User.objects.filter(username="weifang-new").exists() is False


@pytest.mark.django_db
def test_duplicate_code_points_to_the_existing_administrator(api_client):
    existing = EnterpriseFactory(uscc=make_uscc(777001))
    admin = user_with_role(Role.APPLICANT, enterprise=existing)
    Membership.objects.filter(user=admin).update(is_enterprise_admin=True)
    response = api_client.post(URL, _payload(), format="json")
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "enterprise_exists"
    assert str(admin) in body["detail"]
    assert body["enterprise"] == str(existing.public_id)
    assert User.objects.filter(username="weifang-new").exists() is False


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.HELPER, Role.WINDOW_CLERK])
def test_staff_register_on_behalf_and_it_is_recorded(api_client, role):
    staff = user_with_role(role)
    api_client.force_authenticate(staff)
    response = api_client.post(URL, _payload(password=""), format="json")
    assert response.status_code == 201, response.json()
    enterprise = Enterprise.objects.get(public_id=response.json()["enterprise"]["public_id"])
    assert enterprise.registered_by == staff
    assert response.json()["on_behalf"] is True
    assert AuditRecord.objects.filter(
        action="enterprise_registered_on_behalf", actor=staff
    ).exists()
    assert User.objects.get(username="weifang-new").has_usable_password() is False


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.APPLICANT, Role.REVIEWER, Role.SUPERVISOR])
def test_other_logged_in_users_may_not_register_enterprises(api_client, role):
    api_client.force_authenticate(user_with_role(role))
    response = api_client.post(URL, _payload(), format="json")
    assert response.status_code == 403
    assert Enterprise.objects.filter(name="潍坊新建设有限公司").exists() is False
