"""Screenshots at phone width and desktop: the public home, the guide and the staff page."""

import pytest

from kaigong.accounts.roles import Role
from kaigong.accounts.tests.factories import (
    PASSWORD,
    DepartmentFactory,
    ServiceCenterFactory,
    user_with_role,
)
from kaigong.catalog.tests.factories import published_matter

pytestmark = pytest.mark.django_db(transaction=True)


def test_public_and_staff_admin_pages_in_chromium(browser_page):
    # given a published matter and a centre administrator
    page = browser_page
    department = DepartmentFactory(name="沂南县住房和城乡建设局", region_code="371321")
    centre = ServiceCenterFactory(name="沂南县政务服务中心", address="沂南县澳柯玛大道1号")
    centre.departments.add(department)
    published_matter("371321-XK-001", department=department, name="建筑工程施工许可证核发")
    admin = user_with_role(Role.CENTRE_ADMIN, service_center=centre)
    user_with_role(Role.WINDOW_CLERK, service_center=centre)
    for width, label in ((390, "phone"), (1280, "desktop")):
        page.set_viewport_size({"width": width, "height": 900})
        # when an anonymous visitor reads the home page and the guide
        page.goto(page.base_url + "/")
        assert page.locator("a[href='/enterprises/register/']").first.is_visible()
        page.shot(f"public_home_{label}")
        page.goto(page.base_url + "/guide/?region=371321&q=施工")
        page.shot(f"public_guide_{label}")
        page.click("text=建筑工程施工许可证核发")
        assert "/guide/matters/371321-XK-001/" in page.url
        page.shot(f"public_matter_{label}")
    # then the centre administrator's staff page
    page.goto(page.base_url + "/accounts/login/")
    page.fill("#id_username", admin.username)
    page.fill("#id_password", PASSWORD)
    with page.expect_navigation():
        page.click("button[type=submit]")
    for width, label in ((390, "phone"), (1280, "desktop")):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(page.base_url + "/staff-admin/")
        assert "工作人员账号" in page.content()
        page.shot(f"staff_admin_{label}")
