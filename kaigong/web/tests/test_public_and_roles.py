"""Public entry (home, 办事指南), sign-up in Chinese, regions, navigation per role, the centre
administrator's staff page, and separation of duties for a person holding two roles."""

from datetime import date

from django.test import Client

import pytest

from kaigong.accounts.models import Membership, User
from kaigong.accounts.roles import Role
from kaigong.accounts.tests.factories import (
    DepartmentFactory,
    ServiceCenterFactory,
    make_uscc,
    user_with_role,
)
from kaigong.catalog import services as catalog_services
from kaigong.catalog.tests.factories import draft, published_matter, revision
from kaigong.core.models import AuditRecord

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def guide_world():
    department = DepartmentFactory(name="沂南县住房和城乡建设局", region_code="371321")
    centre = ServiceCenterFactory(
        name="沂南县政务服务中心", region_code="371321", address="沂南县澳柯玛大道1号"
    )
    centre.departments.add(department)
    version = published_matter(
        "371321-XK-001",
        department=department,
        name="建筑工程施工许可证核发",
        statutory=15,
        promised=3,
    )
    published_matter("371321-XK-002", department=department, name="城镇污水排入排水管网许可")
    return {"department": department, "centre": centre, "version": version}


# --- public entry ------------------------------------------------------------------------------


def test_anonymous_home_says_what_the_service_is_with_sign_up_and_login(guide_world):
    # given an anonymous visitor
    # when the home page is opened
    response = Client().get("/")
    # then it explains the service and links to the guide, sign-up and login
    html = response.content.decode()
    assert response.status_code == 200
    assert "高效办成一件事" in html
    assert 'href="/guide/"' in html
    assert 'href="/enterprises/register/"' in html
    assert 'href="/accounts/login/"' in html
    assert "山东省临沂市沂南县" in html


def test_login_page_has_a_sign_up_link():
    html = Client().get("/accounts/login/").content.decode()
    assert 'href="/enterprises/register/"' in html


def test_guide_search_by_locality_and_words(guide_world):
    # given two matters in 沂南
    # when searching for 施工 in 沂南
    response = Client().get("/guide/", {"region": "371321", "q": "施工"})
    # then only the construction permit is found, linked to its page
    html = response.content.decode()
    assert response.status_code == 200
    assert "建筑工程施工许可证核发" in html
    assert "城镇污水排入排水管网许可" not in html
    assert 'href="/guide/matters/371321-XK-001/"' in html


def test_matter_page_shows_limits_with_units_department_and_window(guide_world):
    response = Client().get("/guide/matters/371321-XK-001/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "15 工作日" in html
    assert "3 工作日" in html
    assert "沂南县住房和城乡建设局" in html
    assert "沂南县澳柯玛大道1号" in html
    assert "/guide/matters/371321-XK-001/v1/" in html


def test_matter_page_offers_each_visitor_their_next_step(guide_world):
    register, login, apply = (
        'href="/enterprises/register/"',
        'href="/accounts/login/"',
        "从我的项目发起申请",
    )
    path = "/guide/matters/371321-XK-001/"

    # a visitor signs up or logs in
    def main(client):  # the page's own content (a clerk's menu offers 代企业注册)
        return client.get(path).content.decode().split("<main", 1)[1]

    anonymous = main(Client())
    assert register in anonymous and login in anonymous and apply not in anonymous

    # a signed-in applicant starts from their projects, not from sign-up
    applicant = main(_client(user_with_role(Role.APPLICANT)))
    assert apply in applicant and 'href="/projects/"' in applicant
    assert register not in applicant

    # staff read the guide: neither sign-up nor an application of their own
    clerk = main(_client(user_with_role(Role.WINDOW_CLERK)))
    assert register not in clerk and apply not in clerk


def test_a_version_url_stays_the_same_after_a_new_version_is_published(guide_world):
    # given version 1 at its stable address
    first = Client().get("/guide/matters/371321-XK-001/v1/")
    assert first.status_code == 200
    # when version 2 is published with a new name
    rev = revision(effective_on=date(2025, 1, 1), title="第二次修订")
    draft(
        rev,
        "371321-XK-001",
        department=guide_world["department"],
        name="建筑工程施工许可证核发（新版）",
    )
    catalog_services.revision_publish(revision=rev, actor=None)
    # then v1 still shows version 1 (not in force), v2 and the matter address the new one
    old = Client().get("/guide/matters/371321-XK-001/v1/").content.decode()
    assert "建筑工程施工许可证核发（新版）" not in old
    assert "非现行版本" in old
    current = Client().get("/guide/matters/371321-XK-001/").content.decode()
    assert "建筑工程施工许可证核发（新版）" in current
    assert Client().get("/guide/matters/371321-XK-001/v2/").status_code == 200
    assert Client().get("/guide/matters/371321-XK-001/v9/").status_code == 404


# --- sign-up and projects -------------------------------------------------------------------


def test_sign_up_with_a_weak_password_gives_chinese_messages_in_a_summary():
    # given a browser asking for Chinese
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-CN")
    # when signing up with a short numeric password and no name
    response = client.post(
        "/enterprises/register/",
        {
            "uscc": make_uscc(4242),
            "name": "",
            "legal_representative": "张三",
            "username": "weakling",
            "password": "12345",
        },
    )
    html = response.content.decode()
    # then the error summary lists every error, linked to its field, all in Chinese
    assert 'class="error-summary"' in html
    assert 'href="#id_name"' in html
    assert "This password" not in html
    assert not User.objects.filter(username="weakling").exists()


def test_sign_up_password_too_short_is_in_chinese():
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-CN")
    response = client.post(
        "/enterprises/register/",
        {
            "uscc": make_uscc(4243),
            "name": "测试建设有限公司",
            "legal_representative": "张三",
            "username": "weakling2",
            "password": "12345",
        },
    )
    html = response.content.decode()
    assert "密码太短，至少需要 10 个字符" in html
    assert "too short" not in html
    assert 'href="#id_password"' in html


def test_project_region_must_be_a_known_division_and_shows_by_name():
    applicant = user_with_role(Role.APPLICANT)
    client = _client(applicant)
    form = client.get("/projects/new/").content.decode()
    assert "山东省临沂市沂南县" in form
    # when a free-text region is posted
    response = client.post(
        "/projects/new/",
        {
            "name": "试验项目",
            "investment_type": "social",
            "category": "housing",
            "region_code": "999999",
        },
    )
    # then it is refused and shown in the summary
    html = response.content.decode()
    assert 'href="#id_region_code"' in html
    assert "999999" not in html.split("error-summary")[1].split("</div>")[0]


# --- navigation per role --------------------------------------------------------------------


def test_applicant_sees_no_staff_links():
    applicant = user_with_role(Role.APPLICANT)
    html = _client(applicant).get("/").content.decode()
    assert "我的申请" in html
    for staff in (
        'href="/window/"',
        'href="/workbench/"',
        'href="/staff-admin/"',
        'href="/archives/',
    ):
        assert staff not in html


def test_supervisor_sees_staff_titles_and_no_applicant_links():
    supervisor = user_with_role(Role.SUPERVISOR)
    html = _client(supervisor).get("/").content.decode()
    assert "窗口受理（监察）" in html
    assert "审批工作台（监察）" in html
    assert 'href="/cases/new/"' not in html
    assert "我的申请" not in html


def _header(html: str) -> tuple[str, str]:
    """The header's link row and its 更多 menu, as two HTML fragments."""
    nav = html.split('<nav aria-label="', 1)[1].split("</nav>", 1)[0]
    row, _, menu = nav.partition('<details class="nav-more">')
    return row, menu.split("</details>", 1)[0]


def test_a_long_navigation_keeps_a_short_row_and_the_rest_under_more():
    """An applicant holds 11 role links (12 with the inbox): on a phone they wrapped the header
    to four rows. The row keeps the first three and the inbox; the rest open from 更多."""
    applicant = user_with_role(Role.APPLICANT)
    row, menu = _header(_client(applicant).get("/").content.decode())
    assert row.count('data-role="applicant"') == 3
    assert "我的项目" in row and "消息" in row
    assert "<summary>更多</summary>" in menu
    for later in ("授权委托书", "惠企政策", "信用记录", "联合评审"):
        assert later in menu and later not in row
    # one role: no group titles in the menu
    assert "nav-group-title" not in menu


def test_a_second_role_gets_its_own_titled_group_under_more():
    user = user_with_role(Role.CATALOG_ADMIN)
    Membership.objects.create(user=user, role=Role.SUPERVISOR)
    row, menu = _header(_client(user).get("/").content.decode())
    # the header's role order puts the supervisor first
    assert row.count('data-role="supervisor"') == 3
    titles = [part.split("</p>", 1)[0] for part in menu.split('class="nav-group-title">')[1:]]
    assert titles == ["效能监察人员", "事项管理员"]
    assert "整改工单" in menu and "勘验标准" in menu and "勘验标准" not in row


# --- centre administrator -------------------------------------------------------------------


@pytest.fixture
def centre_world():
    d1 = DepartmentFactory(name="县住建局")
    centre = ServiceCenterFactory(name="沂南县政务服务中心")
    centre.departments.add(d1)
    other = ServiceCenterFactory(name="别处政务服务中心")
    admin = user_with_role(Role.CENTRE_ADMIN, service_center=centre)
    other_admin = user_with_role(Role.CENTRE_ADMIN, service_center=other)
    return {"centre": centre, "other": other, "d1": d1, "admin": admin, "other_admin": other_admin}


def test_centre_admin_creates_grants_revokes_and_deactivates_audited(centre_world):
    centre, admin, d1 = centre_world["centre"], centre_world["admin"], centre_world["d1"]
    client = _client(admin)
    url = f"/staff-admin/{centre.public_id}/"
    # create a clerk with a temporary password
    response = client.post(
        url,
        {"new-username": "new_clerk", "new-full_name": "新窗口", "new-role": "window_clerk"},
        follow=True,
    )
    assert "临时密码" in response.content.decode()
    user = User.objects.get(username="new_clerk")
    assert Membership.objects.filter(user=user, role="window_clerk", service_center=centre).exists()
    # grant a second role: reviewer of a served department
    client.post(
        f"{url}users/{user.public_id}/grant/",
        {"grant-role": "reviewer", "grant-department": d1.code},
    )
    reviewer = Membership.objects.get(user=user, role="reviewer", department=d1)
    granted = AuditRecord.objects.get(action="staff_role_granted")
    assert len(granted.data["after"]["roles"]) == 2
    assert len(granted.data["before"]["roles"]) == 1
    # revoke it
    client.post(f"{url}roles/{reviewer.public_id}/revoke/")
    assert not Membership.objects.filter(pk=reviewer.pk).exists()
    assert AuditRecord.objects.filter(action="staff_role_revoked", actor=admin).exists()
    # deactivate
    client.post(f"{url}users/{user.public_id}/deactivate/")
    user.refresh_from_db()
    assert user.is_active is False
    record = AuditRecord.objects.get(action="staff_user_deactivated")
    assert record.data["before"] == {"active": True}
    assert record.data["after"] == {"active": False}


def test_staff_page_is_404_for_others_and_other_centres(centre_world):
    centre = centre_world["centre"]
    url = f"/staff-admin/{centre.public_id}/"
    clerk = user_with_role(Role.WINDOW_CLERK, service_center=centre)
    assert _client(clerk).get(url).status_code == 404
    assert _client(clerk).get("/staff-admin/").status_code == 404
    assert _client(centre_world["other_admin"]).get(url).status_code == 404
    assert (
        _client(centre_world["other_admin"])
        .post(url, {"new-username": "x", "new-full_name": "x", "new-role": "helper"})
        .status_code
        == 404
    )
    assert not User.objects.filter(username="x").exists()
    assert Client().get(url).status_code == 302  # to the login page


def test_centre_admin_cannot_grant_outside_the_centre(centre_world):
    from kaigong.accounts.services import staff_role_grant
    from kaigong.core.exceptions import InvalidInput, PermissionDenied

    clerk = user_with_role(Role.WINDOW_CLERK, service_center=centre_world["centre"])
    foreign = DepartmentFactory(name="别处部门")
    with pytest.raises(InvalidInput) as excinfo:
        staff_role_grant(
            actor=centre_world["admin"],
            center=centre_world["centre"],
            user=clerk,
            role=Role.REVIEWER,
            department=foreign,
        )
    assert excinfo.value.code == "membership_scope"
    with pytest.raises(PermissionDenied):
        staff_role_grant(
            actor=centre_world["other_admin"],
            center=centre_world["centre"],
            user=clerk,
            role=Role.HELPER,
        )
    with pytest.raises(InvalidInput):
        staff_role_grant(
            actor=centre_world["admin"],
            center=centre_world["centre"],
            user=clerk,
            role=Role.SUPERVISOR,
        )


def test_centre_admin_cannot_touch_staff_of_another_centre(centre_world):
    from kaigong.accounts.services import staff_role_grant, staff_user_deactivate
    from kaigong.core.exceptions import NotFound

    # given a clerk of the other centre
    foreign = user_with_role(Role.WINDOW_CLERK, service_center=centre_world["other"])
    # when this centre's administrator grants or deactivates, then: not found, nothing changes
    with pytest.raises(NotFound):
        staff_role_grant(
            actor=centre_world["admin"],
            center=centre_world["centre"],
            user=foreign,
            role=Role.HELPER,
        )
    with pytest.raises(NotFound):
        staff_user_deactivate(
            actor=centre_world["admin"], center=centre_world["centre"], user=foreign
        )
    foreign.refresh_from_db()
    assert foreign.is_active
    page = f"/staff-admin/{centre_world['centre'].public_id}/users/{foreign.public_id}/deactivate/"
    assert _client(centre_world["admin"]).post(page).status_code == 404
