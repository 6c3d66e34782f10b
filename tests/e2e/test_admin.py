from tests.e2e.conftest import ADMIN_PASSWORD, ADMIN_USERNAME

ADMIN_PAGES = [
    "/admin/",
    "/admin/content/page/?review=overdue",
    "/admin/content/page/add/",
    "/admin/content/source/",
    "/admin/directory/provider/",
    "/admin/directory/provider/add/",
    "/admin/directory/suggestion/",
    "/admin/directory/problemreport/",
    "/admin/crisis/crisisresource/",
]


def test_a_password_without_the_one_time_code_does_not_open_admin(browser, site):
    context = browser.new_context()
    page = context.new_page()
    page.goto(site("/admin/login/"))
    page.get_by_label("Username").fill(ADMIN_USERNAME)
    page.get_by_label("Password").fill(ADMIN_PASSWORD)
    page.get_by_role("button", name="Log in", exact=True).click()
    assert page.get_by_text("Please enter your OTP token").is_visible()
    page.goto(site("/admin/"))
    assert "/admin/login/" in page.url
    context.close()


def test_staff_can_log_in_and_every_admin_page_works_under_the_csp(staff_page, site):
    problems = []
    staff_page.on("console", lambda message: message.type == "error" and problems.append(message.text))
    for path in ADMIN_PAGES:
        response = staff_page.goto(site(path))
        assert response.status == 200, path
        assert staff_page.locator('.crisis-banner a[href="tel:988"]').first.is_visible(), path
    assert problems == []


def test_an_editor_can_open_a_page_and_see_its_history(staff_page, site):
    staff_page.goto(site("/admin/content/page/"))
    staff_page.get_by_role("link", name="Dialectical behavior therapy (DBT)").first.click()
    staff_page.get_by_role("link", name="History").click()
    assert staff_page.get_by_role("columnheader", name="Changes").is_visible()
