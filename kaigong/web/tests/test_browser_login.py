import pytest

from kaigong.accounts.roles import Role
from kaigong.accounts.tests.factories import PASSWORD, user_with_role


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_clerk_logs_in_on_a_phone_and_sees_the_role(browser_page):
    # given a window clerk
    clerk = user_with_role(Role.WINDOW_CLERK)
    page = browser_page

    # when the clerk logs in through the Chinese login page
    page.goto(page.base_url + "/accounts/login/")
    page.fill("#id_username", clerk.username)
    page.fill("#id_password", PASSWORD)
    page.shot("login")
    page.click("button[type=submit]")

    # then the home page greets the clerk and names the role, in Chinese
    page.wait_for_selector("text=您的角色")
    assert "综合窗口人员" in page.content()
    page.shot("home-clerk")
