"""Every page, as every role and anonymously, over real HTTP: no 5xx (issue 11, "a real
client, every endpoint").

The routes come from Django's URL resolver; their path parameters are filled with real
values (harvested from the links the pages show) and with malformed ones; every page is
asked for with odd query parameters, and every route is posted to with malformed ids and
junk fields, with a valid CSRF token. All offending URLs are reported in one assertion.
"""

import http.cookiejar
import json
import re
import time
import urllib.error
import urllib.parse
import urllib.request
from datetime import date, timedelta

import pytest

from tests.http.conftest import call, unused_totp

# Routes that are not pages: the API (fuzzed on its own), Django's admin, endless event
# streams, and the buttons that end the session being crawled.
SKIP_PREFIXES = ("api/", "admin/")
SKIP_ROUTES = {"logout/", "lock/"}
# Malformed values that the route's converter lets through to the view (others are the
# resolver's 404 and never reach it): per converter.
MALFORMED = {"str": ["abc", "%00", "x" * 300], "slug": ["abc", "x" * 300],
             "int": ["0", "9" * 20], "uuid": ["00000000-0000-0000-0000-000000000000"]}
ODD_QUERIES = [
    "site=nope&page=-1&from=0001-01-01&to=zzz&limit=abc&offset=-5&person=abc&visit=abc"
    "&bucket=nope&metric=nope&addendum_to=abc&reveal=cpr&status=nope&due=maybe&kind=zzz"
    "&next=//evil.example&since=zzz&until=0001-01-01&q=" + "x" * 300,
    "site=h17&from=2024-02-30&to=2024-13-01&visit=00000000-0000-0000-0000-000000000000"
    "&person=ZZZZZZ&q=%27%22%3C%3E&page=99999999999999999999&limit=-1&offset=abc",
    "q=Ka%00ren",
]
JUNK_FORM = {
    "visit": "abc", "booth": "abc", "person": "abc", "assisted_by": "abc",
    "intervention": "abc", "addendum_to": "abc", "duplicate": "abc", "violation": "abc",
    "kind": "zzz", "action": "zzz", "status": "zzz", "outcome": "zzz", "target": "zzz",
    "method": "zzz", "substances": "zzz", "route": "zzz", "gender": "zzz",
    "municipality": "zzz", "rule_ref": "abc:def", "sites": "nope", "site": "nope",
    "until": "0001-01-01", "starts_on": "zzz", "follow_up_on": "9999-99-99",
    "held_on": "0001-01-01", "at": "25:99", "dose_mg": "abc", "birth_year": "-5",
    "birth_date": "0001-01-01", "attendance_count": "-1", "meeting_at": "zzz",
    "note": "x" * 3000, "reason": "x" * 3000, "text": "x" * 6000, "available": "zzz",
    "cleaning": "zzz", "confirm_new": "zzz", "signature": "data:zzz", "reveal": "cpr",
}
MAX_PAGES_PER_ROLE = 50
HREF = re.compile(r'(?:href|action|hx-get|hx-post)="(/[^"#?]*)')
ACTION = re.compile(r'name="action"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="action"')
HIDDEN = re.compile(r'<input[^>]*type="hidden"[^>]*>', re.I)


def _routes():
    """(route template, converters by parameter name) for every page route."""
    from django.urls import URLPattern, URLResolver, get_resolver

    found = []

    def walk(resolver, prefix):
        for entry in resolver.url_patterns:
            route = prefix + str(entry.pattern)
            if isinstance(entry, URLResolver):
                if not route.startswith(SKIP_PREFIXES):
                    walk(entry, route)
            elif isinstance(entry, URLPattern):
                if route in SKIP_ROUTES or route.endswith("events") or \
                        route.startswith(SKIP_PREFIXES):
                    continue
                found.append(route)

    walk(get_resolver(), "")
    return found


PARAM = re.compile(r"<(?:(\w+):)?(\w+)>")


def _fill(route: str, values: dict) -> str:
    return "/" + PARAM.sub(lambda m: values[m.group(2)], route)


class Browser:
    """One staff member's browser: a cookie jar, the CSRF token, no redirects followed."""

    def __init__(self, base):
        self.base = base
        self.jar = http.cookiejar.CookieJar()

        class NoRedirect(urllib.request.HTTPRedirectHandler):
            def redirect_request(self, *args, **kwargs):
                return None

        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), NoRedirect)

    def csrf(self) -> str:
        return next((c.value for c in self.jar if c.name == "csrftoken"), "")

    def request(self, method, path, form=None):
        data = None
        headers = {"Accept": "text/html"}
        if method == "POST":
            items = [(k, v) for k, value in (form or {}).items()
                     for v in (value if isinstance(value, list) else [value])]
            data = urllib.parse.urlencode([*items, ("csrfmiddlewaretoken", self.csrf())]
                                          ).encode()
            headers.update({"Content-Type": "application/x-www-form-urlencoded",
                            "X-CSRFToken": self.csrf(), "Referer": self.base + "/"})
        request = urllib.request.Request(self.base + path, data=data, method=method,
                                         headers=headers)
        try:
            with self.opener.open(request, timeout=30) as response:
                return response.status, response.headers, response.read().decode(
                    "utf-8", "replace")
        except urllib.error.HTTPError as error:
            return error.code, error.headers, error.read().decode("utf-8", "replace")

    def login(self, username, password, server_env=None):
        """Password, then (with the served app's environment) the second factor, with the
        authenticator's next unused code."""
        self.request("GET", "/login/")
        status, headers, _ = self.request("POST", "/login/", {"username": username,
                                                              "password": password})
        assert status == 302, (username, status)
        if server_env is None:
            return
        status, headers, body = self.request(
            "POST", "/login/verify/", {"otp": unused_totp(server_env, username)})
        error = re.search(r'class="[^"]*error[^"]*"[^>]*>([^<]{0,160})', body)
        assert status == 302, (username, status, error.group(1) if error else body[:200])


@pytest.fixture(scope="session")
def crawl_values(http_server, role_tokens):
    """Real values for the path parameters: one of each kind of object, made through the
    API (a person, a visit, an incident with a journal, a referral, a quarantine, a
    suggestion, a complaint, a council meeting), plus visits from the demo data. A call
    the data refuses (the room closed at this hour, say) just leaves its value out."""
    values: dict[str, list[str]] = {}

    def api(role, method, path, body=None):
        status, _, raw = call(http_server, method, f"/api/v1{path}", body,
                              headers={"Authorization": f"Bearer {role_tokens[role]}"})
        return json.loads(raw) if status < 300 and raw else {}

    def add(name, value):
        if value not in (None, ""):
            values.setdefault(name, []).append(str(value))

    today = date.today()
    person = api("reception", "POST", "/persons", {
        "alias": "Crawl Testperson", "birth_year": 1980, "gender": "male",
        "municipality": "101", "site": "h17", "confirm_new": True})
    add("code", person.get("code"))
    if person:
        api("reception", "POST", f"/persons/{person['id']}/first-aid-agreement",
            {"site": "h17", "house_rules_shown": True})
        visit = api("reception", "POST", "/visits", {
            "person": person["id"], "site": "h17", "substances": ["heroin"],
            "method": "injection"})
        add("visit_id", visit.get("id"))
        add("referral_id", api("reception", "POST", "/referrals", {
            "person": person["code"], "target": "hospital", "site": "h17"}).get("id"))
        add("quarantine_id", api("leader", "POST", "/quarantines", {
            "person": person["id"], "sites": ["h17"], "reason": "crawl",
            "until": str(today + timedelta(days=3))}).get("id"))
    for item in api("reception", "GET", "/visits?site=h17&limit=3").get("items", []):
        add("visit_id", item["id"])
        add("code", item["person_code"])
    incident = api("health", "POST", "/incidents", {"site": "h17", "kind": "other"})
    add("incident_id", incident.get("id"))
    if incident:
        api("health", "POST", f"/incidents/{incident['id']}/interventions",
            {"kind": "oxygen"})
        add("journal_id", api("health", "POST", f"/incidents/{incident['id']}/journal", {
            "fictitious": True, "birth_date": "1980-01-01",
            "disclosure_consent": "not_asked", "assessment": "a", "treatment": "t"},
        ).get("id"))
    add("suggestion_id", api("leader", "POST", "/suggestions", {
        "site": "h17", "kind": "suggestion", "text": "crawl"}).get("id"))
    add("complaint_id", api("leader", "POST", "/complaints", {
        "site": "h17", "route": "leader", "text": "crawl", "anonymous": True}).get("id"))
    add("meeting_id", api("leader", "POST", "/council-meetings", {
        "site": "h17", "held_on": str(today), "agenda": "crawl"}).get("id"))
    return values


def _harvest(browser, routes, offenders, label, known):
    """Crawl from the staff home along the links the pages show (bounded): real values
    for each path parameter, and the hidden fields of the forms."""
    from django.urls import Resolver404, resolve

    values: dict[str, list[str]] = {"slug": ["h17", "reden"], "scope": ["shared", "h17"],
                                     **{k: list(v) for k, v in known.items()}}
    hidden: dict[str, set[str]] = {}
    # The pages whose forms dispatch on an `action` field, and the actions they name.
    actions: dict[str, set[str]] = {}
    queue = ["/staff/", "/", "/staff/sites/h17/", "/staff/sites/skyen/",
             "/staff/sites/h17/?q=a", "/staff/sites/h17/care"]
    for route in routes:  # the page of each object made for the crawl, forms and all
        names = [m.group(2) for m in PARAM.finditer(route)]
        if names and all(values.get(n) for n in names):
            queue.append(_fill(route, {n: values[n][0] for n in names}))
    if values.get("visit_id"):
        queue.append(f"/staff/sites/h17/care?visit={values['visit_id'][0]}")
    seen, per_route = set(), {}
    while queue and len(seen) < MAX_PAGES_PER_ROLE:
        path = queue.pop(0)
        if path in seen:
            continue
        seen.add(path)
        status, headers, body = browser.request("GET", path)
        if status >= 500:
            offenders.append(f"{label} GET {path} -> {status}")
        if not headers.get("Content-Type", "").startswith("text/html"):
            continue
        try:
            here = resolve(path).route
        except Resolver404:
            here = ""
        for pair in ACTION.findall(body):
            actions.setdefault(here, set()).add("".join(pair))
        for tag in HIDDEN.findall(body):
            name = re.search(r'name="([^"]+)"', tag)
            value = re.search(r'value="([^"]*)"', tag)
            if name and value and name.group(1) not in ("csrfmiddlewaretoken", "action"):
                hidden.setdefault(name.group(1), set()).add(value.group(1))
        for link in HREF.findall(body):
            try:
                match = resolve(link)
            except Resolver404:
                continue
            if match.route in SKIP_ROUTES or match.route.startswith(SKIP_PREFIXES) \
                    or match.route.endswith("events"):
                continue
            for name, value in match.kwargs.items():
                pool = values.setdefault(name, [])
                if str(value) not in pool and len(pool) < 3:
                    pool.append(str(value))
            per_route[match.route] = per_route.get(match.route, 0) + 1
            if link not in seen and per_route[match.route] <= 2:
                queue.append(link)
    return values, hidden, actions


def _crawl(browser, label, offenders, known):
    routes = _routes()
    values, hidden, actions = _harvest(browser, routes, offenders, label, known)
    print(f"{label}: real values for {sorted(values)}; forms with actions: "
          f"{sorted(actions)}; hidden fields: {sorted(hidden)}")
    requests = 0
    for route in routes:
        converters = {m.group(2): m.group(1) or "str" for m in PARAM.finditer(route)}
        names = list(converters)
        real = {n: (values.get(n) or ["abc"]) for n in names}
        fills = [{n: real[n][0] for n in names}]
        if any(len(real[n]) > 1 for n in names):
            fills.append({n: real[n][-1] for n in names})
        for name in names if label != "anonymous" else ():  # anonymous: all to /login/
            fills += [{**fills[0], name: bad} for bad in MALFORMED.get(converters[name],
                                                                       MALFORMED["str"])]
        if not names:
            fills = [{}]
        for fill in fills:
            path = _fill(route, fill)
            checks = [("GET", path, None)]
            if fill is fills[0]:
                checks += [("GET", f"{path}?{q}", None) for q in ODD_QUERIES]
                # Real ids with junk beside them, and malformed ids, for each action.
                hidden_real = {k: sorted(v)[0] for k, v in hidden.items()}
                for action in [None, *sorted(actions.get(route, ()))]:
                    extra = {"action": action} if action else {}
                    checks += [("POST", path, {**JUNK_FORM, **hidden_real, **extra}),
                               ("POST", path, {**JUNK_FORM, **extra})]
            else:
                checks += [("POST", path, JUNK_FORM)]
            for method, url, form in checks:
                status, _, _ = browser.request(method, url, form)
                requests += 1
                if status >= 500:
                    offenders.append(f"{label} {method} {url[:200]} -> {status}")
    return requests


ADMIN_LINK = re.compile(r'href="(/admin/[a-z_]+/[a-z_]+/(?:[^"/?#]+/change/|add/)?)"')
ADMIN_QUERIES = ["o=abc&p=-1&q=%00&e=1&all=", "q=" + "x" * 300 + "&p=99999999999999999999",
                 "site__id__exact=abc&role__exact=zzz&created_at__gte=0001-01-01"]


def _crawl_admin(browser, offenders):
    """The administration (Django's admin with Stofrum's models): each model's list with
    odd filters, its add page, one object's change page and malformed object ids."""
    status, _, body = browser.request("GET", "/admin/")
    requests, lists = 1, sorted({link for link in ADMIN_LINK.findall(body)
                                  if link.count("/") == 4})
    for listing in lists:
        checks = [f"{listing}?{q}" for q in ADMIN_QUERIES] + [
            f"{listing}{bad}/change/" for bad in ("abc", "0", "%00", "x" * 300)]
        status, _, page = browser.request("GET", listing)
        requests += 1
        if status >= 500:
            offenders.append(f"admin GET {listing} -> {status}")
        checks += sorted({link for link in ADMIN_LINK.findall(page)
                          if link.startswith(listing) and link != listing})[:2]
        for url in checks:
            status, _, _ = browser.request("GET", url)
            requests += 1
            if status >= 500:
                offenders.append(f"admin GET {url[:200]} -> {status}")
    return requests


def test_no_page_answers_5xx_to_any_role(http_server, http_server_env, crawl_values):
    """Each demo role (logged in through /login/, second factor included) and an
    anonymous visitor: every page route with real and malformed path values, odd query
    parameters and junk posts. None may answer 5xx."""
    from stofrum.staff.demo import DEMO_ACCOUNTS, DEMO_PASSWORD

    offenders: list[str] = []
    counts = {}
    started = time.monotonic()
    anonymous = Browser(http_server)
    anonymous.request("GET", "/login/")
    counts["anonymous"] = _crawl(anonymous, "anonymous", offenders, crawl_values)
    for account in DEMO_ACCOUNTS:
        browser = Browser(http_server)
        browser.login(account["username"], DEMO_PASSWORD,
                      http_server_env if account["totp_key"] else None)
        counts[account["role"]] = _crawl(browser, account["role"], offenders, crawl_values)
        if account["role"] == "admin":
            counts["admin site"] = _crawl_admin(browser, offenders)

    elapsed = time.monotonic() - started
    print(f"crawl: {sum(counts.values())} requests in {elapsed:.0f} s: {counts}")
    assert not offenders, f"{len(offenders)} answers were 5xx:\n" + "\n".join(
        sorted(set(offenders)))


def test_a_body_over_the_limit_answers_413_over_real_http(http_server, role_tokens):
    """DATA_UPLOAD_MAX_MEMORY_SIZE (2.5 MB): the API answers 413 too_large in its error
    form, a page answers the 413 page; neither a 500."""
    big = {"site": "h17", "kind": "other", "pad": "x" * 3_000_000}
    status, _, body = call(http_server, "POST", "/api/v1/incidents", big,
                           headers={"Authorization": f"Bearer {role_tokens['health']}"})
    assert status == 413, body[:300]
    assert json.loads(body)["code"] == "too_large"

    from stofrum.staff.demo import DEMO_PASSWORD

    browser = Browser(http_server)
    browser.login("reception", DEMO_PASSWORD, None)
    status, headers, _ = browser.request("POST", "/staff/sites/h17/check-in",
                                         {"person": "x", "note": "x" * 3_000_000})
    assert status == 413 and headers["Content-Type"].startswith("text/html")
