"""Logs never carry what staff typed about a person, nor passwords."""

import logging


def test_access_log_has_the_path_but_not_the_query_string(client, door, make_person, caplog):
    make_person(alias="Hemmelig Hansen")
    client.force_login(door)
    with caplog.at_level(logging.INFO, logger="stofrum.access"):
        client.get("/staff/sites/h17/search", {"q": "Hemmelig"})
    lines = [r.getMessage() for r in caplog.records if r.name == "stofrum.access"]
    assert any("/staff/sites/h17/search" in line and " 200 " in line for line in lines)
    assert not any("Hemmelig" in line for line in lines)


def test_failed_logins_do_not_log_the_password(client, sites, caplog):
    with caplog.at_level(logging.DEBUG):
        client.post("/login/", {"username": "nobody", "password": "S3cret-Passw0rd!"})
        client.post("/api/v1/auth/token", {"username": "nobody", "password": "S3cret-Passw0rd!"},
                    content_type="application/json")
    assert "S3cret-Passw0rd!" not in caplog.text
