"""English at today's addresses, Spanish under /es/: the URL alone decides, with no cookie and no redirect."""

import re
from html import unescape

import pytest

from content.models import Page
from crisis.models import CrisisResource
from tests.helpers import ROOT

pytestmark = pytest.mark.django_db

SPANISH_URLS = [
    "/es/",
    "/es/learn/",
    "/es/learn/que-es-la-autolesion/",
    "/es/learn/manejar-las-ganas-de-hacerte-dano/",
    "/es/helping-someone/",
    "/es/helping-someone/que-hacer-en-una-emergencia/",
    "/es/levels-of-care/",
    "/es/therapies/",
    "/es/search/?q=autolesiones",
    "/es/crisis/",
    "/es/directory/",
    "/es/directory/?language=spanish",
    "/es/directory/suggest/",
]


def title(html):
    return re.search(r"<title>(.*?)</title>", html, re.S).group(1).strip()


def hreflangs(html):
    return dict(re.findall(r'<link rel="alternate" hreflang="([\w-]+)" href="https?://[^/]+([^"]+)">', html))


def test_accept_language_spanish_neither_redirects_nor_translates_english_addresses(client):
    for url in ["/", "/learn/", "/crisis/", "/directory/"]:
        response = client.get(url, HTTP_ACCEPT_LANGUAGE="es-MX,es;q=0.9")
        assert response.status_code == 200, url
        assert not response.cookies, url
        html = response.content.decode()
        assert '<html lang="en">' in html, url
        assert "Need help now?" in html, url


def test_spanish_addresses_stay_spanish_whatever_the_browser_asks_for(client):
    response = client.get("/es/crisis/", HTTP_ACCEPT_LANGUAGE="en-US")
    assert '<html lang="es">' in response.content.decode()
    assert not response.cookies


def test_a_language_cookie_changes_nothing(client):
    client.cookies["django_language"] = "es"
    assert '<html lang="en">' in client.get("/").content.decode()


@pytest.mark.parametrize("url", SPANISH_URLS)
def test_every_spanish_page_is_in_spanish_with_no_cookie(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert not response.cookies
    html = response.content.decode()
    assert '<html lang="es">' in html
    assert "¿Necesitas ayuda ya?" in html and "marca 2" in html
    english = client.get(url.removeprefix("/es"))
    if english.status_code == 200:
        assert title(html) != title(english.content.decode()), "a Spanish <title>"
    assert 'class="language-switch"' in html


def test_the_language_switch_goes_to_the_same_page_in_the_other_language(client):
    html = client.get("/directory/?language=spanish&telehealth=1").content.decode()
    assert 'class="language-switch" href="/es/directory/?language=spanish&amp;telehealth=1"' in html
    html = client.get("/es/crisis/").content.decode()
    assert 'class="language-switch" href="/crisis/"' in html


def test_hreflang_links_point_both_ways_with_english_as_the_default(client):
    links = hreflangs(client.get("/crisis/").content.decode())
    assert links == {"en": "/crisis/", "x-default": "/crisis/", "es": "/es/crisis/"}
    assert hreflangs(client.get("/es/crisis/").content.decode()) == links


def test_every_english_page_with_a_translation_links_to_it_and_back(client):
    translations = Page.objects.published().filter(language="es", translation_of__isnull=False)
    assert translations.count() >= 3
    for spanish in translations.select_related("translation_of"):
        english = spanish.translation_of
        english_html = client.get(english.get_absolute_url()).content.decode()
        spanish_html = client.get(spanish.get_absolute_url()).content.decode()
        assert hreflangs(english_html)["es"] == spanish.get_absolute_url()
        assert f'class="language-switch" href="{spanish.get_absolute_url()}"' in english_html
        assert hreflangs(spanish_html)["en"] == english.get_absolute_url()
        assert f'class="language-switch" href="{english.get_absolute_url()}"' in spanish_html


def test_an_untranslated_page_has_no_spanish_hreflang_and_switches_to_the_spanish_home(client):
    html = client.get("/therapies/dbt/").content.decode()
    assert "es" not in hreflangs(html)
    assert 'class="language-switch" href="/es/"' in html


def test_an_english_slug_under_es_is_not_found(client):
    assert client.get("/es/learn/what-is-self-harm/").status_code == 404
    assert client.get("/learn/que-es-la-autolesion/").status_code == 404


def test_spanish_indexes_list_only_spanish_pages(client):
    html = client.get("/es/learn/").content.decode()
    assert "/es/learn/que-es-la-autolesion/" in html
    assert "/learn/what-is-self-harm/" not in html
    assert "/es/learn/que-es-la-autolesion/" not in client.get("/learn/").content.decode()


def test_spanish_search_finds_spanish_pages_and_english_search_does_not(client):
    html = client.get("/es/search/?q=autolesiones").content.decode()
    assert "/es/learn/que-es-la-autolesion/" in html
    assert "/es/learn/que-es-la-autolesion/" not in client.get("/search/?q=autolesiones").content.decode()
    assert "/learn/what-is-self-harm/" not in client.get("/es/search/?q=self-harm").content.decode()


def test_spanish_crisis_page_puts_988_in_spanish_first_and_lists_crisis_text_line_in_spanish(client):
    html = client.get("/es/crisis/").content.decode()
    assert html.index("Línea 988") < html.index("Crisis Text Line (en español)")
    assert "marca 2" in html
    assert 'href="sms:988?&amp;body=AYUDA"' in html
    assert 'href="sms:741741?&amp;body=AYUDA"' in html
    assert "442-AYUDAME" in html
    assert "HOME" not in html


def test_spanish_crisis_resources_record_their_source_and_check_date():
    for resource in CrisisResource.objects.in_language("es"):
        assert resource.source_url.startswith("https://")
        assert resource.verified_on.isoformat() == "2026-11-25"


def test_english_crisis_page_is_unchanged_by_the_spanish_entries(client):
    main = client.get("/crisis/").content.decode().split("<main", 1)[1]
    assert "Crisis Text Line (en español)" not in main and "marca 2" not in main


def test_the_english_banner_tells_spanish_speakers_to_press_2(client):
    banner = client.get("/learn/").content.decode().split("<main", 1)[0]
    assert '<span lang="es">En español: <a href="tel:988"' in banner
    assert "llama al 988 y marca 2</a>" in banner


def test_the_spanish_text_link_opens_a_message_to_988_with_ayuda_typed(client):
    banner = client.get("/es/").content.decode().split("<main", 1)[0]
    assert 'href="sms:988?&amp;body=AYUDA"' in banner
    static_error_page = (ROOT / "templates" / "500.html").read_text()
    assert 'href="sms:988?&amp;body=AYUDA"' in static_error_page


def test_every_988_line_in_spanish_says_to_press_2(client):
    """Wherever 988 is offered by phone in Spanish (crisis page, directory's no-results box), the option follows:
    "marca 2" for Spanish, or "oprime 1" on the Veterans Crisis Line's own entry."""
    pages = [client.get("/es/crisis/"), client.get("/es/directory/?q=zzzznothingmatches")]
    for response in pages:
        main = response.content.decode().split("<main", 1)[1]
        for offer in re.findall(r'[Ll]lama al <a href="tel:988">988</a>[^<]{0,12}', main):
            assert "marca 2" in offer or "oprime 1" in offer, offer
        assert "988</a> y marca 2" in main


def test_the_spanish_crisis_page_lists_asl_veterans_and_trevor_marking_english_only_services(client):
    html = client.get("/es/crisis/").content.decode()
    assert "Línea 988 en lengua de señas americana (ASL)" in html
    assert "Veterans Crisis Line, Línea de Crisis para Veteranos (en inglés)" in html
    assert "The Trevor Project (en inglés)" in html
    # The 988 chat answers in English: the link says so, and says which language it opens in.
    chat = html.split('href="https://988lifeline.org/chat/"', 1)[1].split("</li>", 1)[0]
    assert 'hreflang="en"' in chat and "(en inglés)" in chat


def test_spanish_directory_offers_a_one_click_spanish_speaking_filter(client):
    html = client.get("/es/directory/").content.decode()
    assert 'href="/es/directory/?language=spanish"' in html and "Atiende en español" in html
    html = client.get("/es/directory/?language=spanish").content.decode()
    assert "No pudimos usar parte de tu búsqueda" not in html
    assert re.search(r"\d+ resultados?", html)


def test_spanish_directory_form_errors_are_in_spanish(client):
    html = client.get("/es/directory/?radius=7").content.decode()
    assert "Elige una distancia de 5, 10, 25, 50 o 100 millas." in html


def test_404_under_es_is_in_spanish_with_the_banner(client):
    response = client.get("/es/no-such-page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert '<html lang="es">' in html and "No encontramos esa página" in html


def test_spanish_suggest_form_has_spanish_labels_and_choices(client):
    html = client.get("/es/directory/suggest/").content.decode()
    assert "Nombre del terapeuta o del programa" in html
    assert "Conozco a este proveedor" in html
    assert "Enviar sugerencia" in html


def test_a_missing_page_offers_no_translation_of_itself(client):
    html = client.get("/es/no-such-page/").content.decode()
    assert hreflangs(html) == {"es": "/es/no-such-page/"}
    assert 'class="language-switch" href="/"' in html


def test_responses_do_not_vary_on_accept_language(client):
    for url in ["/", "/es/", "/crisis/", "/es/directory/"]:
        response = client.get(url, HTTP_ACCEPT_LANGUAGE="es")
        assert "accept-language" not in response.get("Vary", "").lower(), url
    assert client.get("/es/")["Content-Language"] == "es"
    assert client.get("/")["Content-Language"] == "en"


def test_spanish_directory_filters_have_spanish_labels(client):
    html = client.get("/es/directory/").content.decode()
    assert ">Adolescentes<" in html or ">Adolescentes (" in html
    assert "Tarifa según ingresos" in html


def internal_links(html):
    """Every link on a page to this site, with entities in the query string decoded."""
    return {unescape(url) for url in re.findall(r'href="(/[^"]*)"', html) if not url.startswith("/static/")}


SPANISH_TOOLS = {
    "/es/safety-plan/": ["<h1>Mi plan de seguridad</h1>", "Paso 1: Mis señales de alerta", "Guardar como archivo"],
    "/es/start/": ["¿Tú u otra persona están en peligro ahora mismo?", ">Continuar</button>"],
    "/es/start/?danger=no&step=who": ["¿Para quién buscas ayuda?", "Para alguien que me importa"],
    "/es/start/?danger=no&who=someone&age=teens&need=care": [
        "<h1>Páginas que pueden ayudarte</h1>",
        "Para leer primero",
        "Atención para adolescentes (agrega tu código postal en la página siguiente)",
    ],
    "/es/start/?danger=no&who=me&age=adults&need=urge": ["<h1>Páginas que pueden ayudarte</h1>", "Ahora mismo"],
}


@pytest.mark.parametrize("url", SPANISH_TOOLS)
def test_spanish_safety_plan_and_start_path_are_in_spanish_and_every_link_works(client, url):
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="es">' in html
    for text in SPANISH_TOOLS[url]:
        assert text in html
    for english in ["My safety plan", "Where do I start?", "Pages that may help", "Continue<"]:
        assert english not in html
    for link in internal_links(html):
        assert client.get(link).status_code == 200, link


def test_spanish_start_results_link_to_spanish_pages_where_translated_and_english_pages_otherwise(client):
    html = client.get("/es/start/?danger=no&who=me&age=adults&need=urge").content.decode()
    assert 'href="/es/learn/manejar-las-ganas-de-hacerte-dano/"' in html
    assert 'href="/learn/coping-with-urges/"' not in html
    assert '<li class="card" lang="en">' in html
    assert 'href="/learn/recovery/" hreflang="en">' in html and "(en inglés)" in html
    assert not re.search(r'href="/es/learn/(coping-with-urges|recovery|wound-care-and-urgent-help)/"', html)
    assert 'href="/es/directory/?age=adults&amp;telehealth=1"' in html


def test_spanish_start_errors_are_in_spanish(client):
    html = client.get("/es/start/?danger=no&step=who&who=nobody").content.decode()
    assert "Esa respuesta no es una de las opciones. Elige si es para ti o para alguien que te importa." in html
    assert "<title>Error: ¿Por dónde empiezo?" in html


def test_spanish_safety_plan_script_sentences_and_coping_link_are_spanish(client):
    html = client.get("/es/safety-plan/").content.decode()
    assert 'data-text-title="MI PLAN DE SEGURIDAD"' in html
    assert 'data-text-filename="mi-plan-de-seguridad.txt"' in html
    assert 'data-step="Paso 6: Hacer más seguro mi entorno"' in html
    assert 'href="/es/learn/manejar-las-ganas-de-hacerte-dano/"' in html


def test_english_safety_plan_keeps_its_english_script_sentences(client):
    html = client.get("/safety-plan/").content.decode()
    assert 'data-text-title="MY SAFETY PLAN"' in html and 'data-text-filename="my-safety-plan.txt"' in html
    assert 'href="/learn/coping-with-urges/"' in html


def test_spanish_home_start_panel_is_in_spanish(client):
    html = client.get("/es/").content.decode()
    assert '<a class="start-panel__link" href="/es/start/">¿Por dónde empiezo?</a>' in html
    assert 'href="/es/safety-plan/">haz un plan de seguridad</a>' in html
