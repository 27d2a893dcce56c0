"""Over real HTTP with a plain `requests` client (no cookies, no CSRF token, no login): a
neighbour's report is taken and answered with a receipt only; the staff of the room see it,
the staff of another room do not, and nobody without login lists it."""

import requests

REPORT = {"site": "h17", "kind": "syringe", "place": "Halmtorvet 12, ved cykelstativet",
          "text": "Tre sprøjter i bedet – æøå", "contact": "naboen@example.dk"}


def test_a_plain_client_reports_without_login_and_gets_a_receipt(http_server, role_tokens):
    r = requests.post(f"{http_server}/api/v1/neighbourhood/reports", json=REPORT, timeout=30)
    assert r.status_code == 201, r.text[:300]
    receipt = r.json()
    assert set(receipt) == {"id", "received_at"}
    assert "naboen" not in r.text and "Halmtorvet" not in r.text

    r = requests.post(f"{http_server}/api/v1/neighbourhood/reports",
                      json={"kind": "syringe", "place": ""}, timeout=30)
    assert (r.status_code, r.json()["code"]) == (400, "text_required")
    r = requests.post(f"{http_server}/api/v1/neighbourhood/reports",
                      data=b"{not json", headers={"Content-Type": "application/json"},
                      timeout=30)
    assert r.status_code == 400

    assert requests.get(f"{http_server}/api/v1/neighbourhood/reports",
                        timeout=30).status_code == 401

    def listed(role, **params):
        r = requests.get(f"{http_server}/api/v1/neighbourhood/reports",
                         params={"open": "true", **params}, timeout=30,
                         headers={"Authorization": f"Bearer {role_tokens[role]}"})
        return r

    mine = listed("reception", site="h17", reveal="contact")
    assert mine.status_code == 200
    item = next(i for i in mine.json()["items"] if i["id"] == receipt["id"])
    assert item["place"] == REPORT["place"] and item["text"] == REPORT["text"]
    assert item["contact"] == "naboen@example.dk"
    admin = listed("admin", site="h17", reveal="contact")
    assert next(i for i in admin.json()["items"] if i["id"] == receipt["id"])["contact"] \
        is None
    assert listed("analyst").status_code == 403

    r = requests.post(f"{http_server}/api/v1/neighbourhood/reports/{receipt['id']}/close",
                      json={"outcome": "collected"}, timeout=30,
                      headers={"Authorization": f"Bearer {role_tokens['reception']}"})
    assert r.status_code == 200 and r.json()["outcome"] == "collected"
    assert r.json()["pickup_minutes"] >= 0


def test_staff_of_another_room_neither_see_nor_close_it(http_server, role_tokens):
    r = requests.post(f"{http_server}/api/v1/neighbourhood/reports", timeout=30,
                      json={**REPORT, "site": "reden", "contact": "reden@example.dk"})
    assert r.status_code == 201
    report_id = r.json()["id"]
    staff = {"Authorization": f"Bearer {role_tokens['reception']}"}  # h17 and skyen
    r = requests.get(f"{http_server}/api/v1/neighbourhood/reports", timeout=30,
                     params={"reveal": "contact", "limit": 500}, headers=staff)
    assert report_id not in {i["id"] for i in r.json()["items"]}
    assert "reden@example.dk" not in r.text
    r = requests.post(f"{http_server}/api/v1/neighbourhood/reports/{report_id}/close",
                      json={"outcome": "answered"}, headers=staff, timeout=30)
    assert (r.status_code, r.json()["code"]) == (404, "not_found")
    r = requests.get(f"{http_server}/api/v1/neighbourhood/reports", params={"site": "reden"},
                     headers=staff, timeout=30)
    assert r.status_code == 404
