"""The five Copenhagen rooms (DOMAIN.md §11) as default data.

Booth counts: H17's are known (20 injection, 8 smoking, 2017); the others, and all opening
hours, are sensible defaults until each room's staff set them in the admin.
"""

from datetime import time

from stofrum.sites.choices import SiteStatus

INTAKE_METHODS = [
    {"code": "injection", "name_da": "Injektion", "name_en": "Injection",
     "booth_prefix": "I", "sort_order": 1},
    {"code": "smoking", "name_da": "Rygning", "name_en": "Smoking",
     "booth_prefix": "R", "sort_order": 2},
]

ALL_DAY = [(day, time(0), time(0)) for day in range(7)]


def _daily(opens: time, closes: time, days=range(7)):
    return [(day, opens, closes) for day in days]


SITES = [
    {
        "slug": "h17", "name": "H17", "street": "Halmtorvet 17", "postal_code": "1700",
        "city": "København V", "operator": "Mændenes Hjem", "women_only": False,
        "status": SiteStatus.OPEN, "booths": {"injection": 20, "smoking": 8},
        "hours": ALL_DAY, "sort_order": 1,
    },
    {
        "slug": "skyen", "name": "Skyen", "street": "Lille Istedgade 2", "postal_code": "1706",
        "city": "København V", "operator": "Mændenes Hjem", "women_only": False,
        "status": SiteStatus.OPEN, "booths": {"injection": 10, "smoking": 4},
        "hours": ALL_DAY, "sort_order": 2,
    },
    {
        "slug": "reden", "name": "Reden København Stofindtag", "street": "Gasværksvej 24",
        "postal_code": "1656", "city": "København V", "operator": "KFUKs Sociale Arbejde",
        "women_only": True, "status": SiteStatus.OPEN,
        "booths": {"injection": 6, "smoking": 3}, "hours": _daily(time(10), time(22)),
        "sort_order": 3,
    },
    {
        "slug": "sundholm", "name": "Stofrum Sundholm", "street": "Sundholmsvej 22",
        "postal_code": "2300", "city": "København S", "operator": "",
        "women_only": False, "status": SiteStatus.OPEN, "booths": {"injection": 8},
        "hours": _daily(time(9), time(21)), "sort_order": 4,
    },
    {
        "slug": "mobile", "name": "Det mobile stofindtagelsesrum", "street": "Hillerødgade 62-64",
        "postal_code": "2200", "city": "København N", "operator": "",
        "women_only": False, "status": SiteStatus.PLANNED, "opening_date": None,  # not yet set
        "booths": {"injection": 3}, "hours": _daily(time(10), time(18), days=range(5)),
        "sort_order": 5,
    },
]

# The first version of the house rules. DOMAIN.md §8: a few rules shared by all rooms,
# and each room's own; staff edit them on the rules page (a new version each time).
SHARED_RULES_DA = """Ingen vold, trusler eller chikane mod brugere, personale eller naboer.
Ingen køb, salg eller videregivelse af stoffer i eller omkring stofindtagelsesrummet.
Indtag kun dine egne stoffer, på den plads du får anvist.
Personalet må ikke hjælpe med stofindtaget; kun en anden bruger må assistere, efter aftale \
med personalet.
Læg brugte kanyler og brugt udstyr i kanylebøtten.
Følg personalets anvisninger. Overtrædelse af reglerne kan føre til karantæne."""

SHARED_RULES_EN = """No violence, threats or harassment of users, staff or neighbours.
No buying, selling or passing on drugs inside or around the room.
Take only your own drugs, in the booth you are given.
Staff may not help you take drugs; only another user may assist, after staff agree.
Put used needles and equipment in the sharps container.
Follow staff's instructions. Breaking the rules can lead to quarantine."""

SITE_RULES = {
    "h17": ("Hash og pot må ikke ryges i rygerummet.\n"
            "Højst 30 minutter på en plads, når der er kø.",
            "Hash and pot may not be smoked in the smoking room.\n"
            "At most 30 minutes in a booth when others are waiting."),
    "skyen": ("Hash og pot må ikke ryges i rygerummet.",
              "Hash and pot may not be smoked in the smoking room."),
    "reden": ("Rummet er kun for kvinder.\nHash og pot må ikke ryges i rygerummet.",
              "The room is for women only.\n"
              "Hash and pot may not be smoked in the smoking room."),
    "sundholm": ("Kun injektion: der er ikke rygerum her.",
                 "Injection only: there is no smoking room here."),
    "mobile": ("Kun injektion. Bliv i nærheden af bilen, til personalet siger, du kan gå.",
               "Injection only. Stay near the van until staff say you may leave."),
}
