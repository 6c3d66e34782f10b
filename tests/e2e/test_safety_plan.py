"""The safety plan stays on the reader's device: nothing typed is sent, nothing is kept unless asked."""

import re

import pytest

KEY = "safety-plan"
FIELDS = "[data-plan-field]"


def pdf_pages(pdf):
    return len(re.findall(rb"/Type\s*/Page\b(?!s)", pdf))


def fill_every_field(page):
    texts = []
    for index, field in enumerate(page.locator(FIELDS).all()):
        text = f"private-note-{index}-zebra"
        field.fill(text)
        texts.append(text)
    return texts


def field_values(page):
    return page.eval_on_selector_all(FIELDS, "fields => fields.map(f => f.value)")


def blank_values(page):
    return page.eval_on_selector_all(FIELDS, "fields => fields.map(f => f.defaultValue)")


@pytest.fixture
def plan(browser, site):
    context = browser.new_context()
    page = context.new_page()
    page.goto(site("/safety-plan/"))
    yield page
    context.close()


def test_typing_and_using_every_button_sends_none_of_the_text_and_sets_no_cookie(plan, site):
    requests = []
    plan.on("request", lambda request: requests.append(f"{request.url} {request.post_data or ''}"))
    for field in plan.locator(FIELDS).all():
        field.click()
        plan.keyboard.type("typed-secret zebra")
    typed = fill_every_field(plan)
    with plan.expect_download():
        plan.get_by_role("button", name="Save as a file").click()
    plan.get_by_role("button", name="Keep on this device").click()
    plan.get_by_role("button", name="Delete from this device").click()
    plan.keyboard.press("Enter")
    plan.goto(site("/crisis/"))
    plan.wait_for_load_state("networkidle")
    leaked = [request for request in requests if "zebra" in request or any(text in request for text in typed)]
    assert leaked == []
    assert plan.context.cookies() == []


def test_nothing_is_kept_unless_the_reader_asks(plan, browser, site):
    fill_every_field(plan)
    plan.reload()
    assert field_values(plan) == blank_values(plan)
    assert plan.evaluate(f"localStorage.getItem('{KEY}')") is None


def test_keep_on_this_device_then_delete_removes_every_trace(plan, browser, site):
    typed = fill_every_field(plan)
    plan.get_by_role("button", name="Keep on this device").click()
    assert "Kept in this browser on this device" in plan.get_by_role("status").inner_text()
    plan.reload()
    assert field_values(plan) == typed
    plan.locator(FIELDS).first.fill("changed after keeping")
    plan.reload()
    assert field_values(plan)[0] == "changed after keeping", "changes are kept once the reader chose to keep"

    other = browser.new_context()
    elsewhere = other.new_page()
    elsewhere.goto(site("/safety-plan/"))
    assert field_values(elsewhere) == blank_values(elsewhere)
    other.close()

    plan.get_by_role("button", name="Delete from this device").click()
    assert "Deleted from this device" in plan.get_by_role("status").inner_text()
    assert plan.evaluate("localStorage.length") == 0
    plan.reload()
    assert field_values(plan) == blank_values(plan)


def test_save_as_a_file_downloads_the_plan_as_text(plan):
    typed = fill_every_field(plan)
    with plan.expect_download() as download:
        plan.get_by_role("button", name="Save as a file").click()
    assert download.value.suggested_filename == "my-safety-plan.txt"
    with open(download.value.path(), encoding="utf-8") as file:
        text = file.read()
    assert "Step 1: My warning signs" in text and "Step 6: Making my surroundings safer" in text
    for value in typed:
        assert value in text


def test_the_spanish_plan_saves_a_spanish_file_and_speaks_spanish(browser, site):
    context = browser.new_context()
    page = context.new_page()
    page.goto(site("/es/safety-plan/"))
    typed = fill_every_field(page)
    with page.expect_download() as download:
        page.get_by_role("button", name="Guardar como archivo").click()
    assert download.value.suggested_filename == "mi-plan-de-seguridad.txt"
    with open(download.value.path(), encoding="utf-8") as file:
        text = file.read()
    assert text.startswith("MI PLAN DE SEGURIDAD")
    assert "Paso 1: Mis señales de alerta" in text and "marca 2" in text
    for value in typed:
        assert value in text
    assert "mi-plan-de-seguridad.txt" in page.get_by_role("status").inner_text()
    page.get_by_role("button", name="Borrar el formulario").click()
    assert page.get_by_role("status").inner_text() == "Se borró el formulario."
    context.close()


def test_the_printed_plan_is_clean_and_at_most_two_pages(plan):
    fill_every_field(plan)
    plan.emulate_media(media="print")
    for hidden in ["[data-plan-tools]", ".plan-keeping", ".site-nav", ".site-footer", ".quick-exit"]:
        assert not plan.locator(hidden).first.is_visible(), hidden
    assert plan.locator("h1").is_visible()
    assert plan.locator(".crisis-banner").is_visible()
    assert plan.locator(FIELDS).first.is_visible()
    assert plan.screenshot(full_page=True)
    assert 1 <= pdf_pages(plan.pdf(format="Letter")) <= 2


def test_without_javascript_the_page_is_a_blank_printable_plan(browser, site):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(site("/safety-plan/"))
    assert page.locator(FIELDS).count() == 7
    assert not page.locator("[data-plan-tools]").is_visible()
    assert not page.get_by_role("button").first.is_visible()
    assert page.locator("[data-nojs-hint]").is_visible()
    assert "988" in page.locator("#plan-crisis-lines").input_value()
    assert page.locator("#plan-warning-signs").input_value() == ""
    page.emulate_media(media="print")
    assert 1 <= pdf_pages(page.pdf(format="Letter")) <= 2
    context.close()
