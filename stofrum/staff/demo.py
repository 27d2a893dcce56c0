"""Demo accounts, one per role, for `make run`. DEMO ONLY: the passwords and the TOTP
secrets below are public (README.md); never load them on a real installation."""

DEMO_PASSWORD = "stofrum-demo"  # noqa: S105 - public on purpose, demo only

# Fixed TOTP keys (hex) so that the README can document them; base32 in README.md.
DEMO_ACCOUNTS = [
    {"username": "reception", "role": "reception", "sites": ["h17", "skyen"], "totp_key": None},
    {"username": "health", "role": "health", "sites": ["h17", "skyen"],
     "totp_key": "4865616c746844656d6f446f4e6f745573653132"},
    {"username": "leader", "role": "leader", "sites": ["h17"],
     "totp_key": "4c656164657244656d6f446f4e6f745573653132"},
    {"username": "admin", "role": "admin", "sites": [],
     "totp_key": "41646d696e44656d6f446f4e6f74557365313233"},
    {"username": "analyst", "role": "analyst",
     "sites": ["h17", "skyen", "reden", "sundholm", "mobile"], "totp_key": None},
]
