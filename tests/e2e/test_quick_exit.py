def test_clicking_leave_this_site_goes_to_the_neutral_site_and_back_does_not_return(page, site):
    page.goto(site("/"))
    page.goto(site("/learn/what-is-self-harm/"))
    page.get_by_role("link", name="Leave this site").click()
    page.wait_for_url(site.exit_url)
    assert page.get_by_role("heading", name="Weather forecast").is_visible()
    page.go_back()
    assert page.url != site("/learn/what-is-self-harm/"), "Back must not return to the page that was hidden"


def test_pressing_shift_three_times_leaves_the_site(page, site):
    page.goto(site("/therapies/dbt/"))
    for _ in range(3):
        page.keyboard.press("Shift")
    page.wait_for_url(site.exit_url)
    page.go_back()
    assert page.url != site("/therapies/dbt/")


def test_two_shift_presses_do_nothing(page, site):
    page.goto(site("/therapies/dbt/"))
    page.keyboard.press("Shift")
    page.keyboard.press("Shift")
    page.wait_for_timeout(300)
    assert page.url == site("/therapies/dbt/")


def test_without_javascript_quick_exit_is_still_a_working_link(browser, site):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(site("/crisis/"))
    page.get_by_role("link", name="Leave this site").click()
    page.wait_for_url(site.exit_url)
    context.close()
