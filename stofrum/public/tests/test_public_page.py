from django.conf import settings
from django.urls import reverse


def test_public_page_lists_the_five_rooms_without_login(client, sites):
    response = client.get(reverse("public:home"))
    assert response.status_code == 200
    html = response.content.decode()
    for site in sites.values():
        assert site.name in html
        assert site.street in html
    assert 'lang="da"' in html


def test_public_page_marks_the_women_only_room(client, sites):
    html = client.get("/").content.decode()
    card = html[html.index('id="site-reden"'):html.index('id="site-sundholm"')]
    assert 'class="badge women"' in card
    other = html[html.index('id="site-h17"'):html.index('id="site-skyen"')]
    assert 'class="badge women"' not in other


def test_public_page_speaks_english_when_chosen(client, sites):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = client.get("/").content.decode()
    assert 'lang="en"' in html
    assert "The drug consumption rooms in Copenhagen" in html
    assert "Injection" in html


def test_public_page_is_danish_whatever_the_browser_asks(client, sites):
    html = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert 'lang="da"' in html
    assert "Injektion" in html


def test_public_page_sends_a_strict_content_security_policy(client, sites):
    policy = client.get("/").headers["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
