"""A few plausible zones around each of the five rooms (streets and places nearby), as
example data until each room's staff set their own in the admin."""

ZONES = {
    "h17": [("halmtorvet", "Halmtorvet"), ("skelbaekgade", "Skelbækgade"),
            ("dybboelsbro", "Dybbølsbro Station"), ("sonder-boulevard", "Sønder Boulevard")],
    "skyen": [("lille-istedgade", "Lille Istedgade"), ("istedgade", "Istedgade"),
              ("hovedbanegaarden", "Hovedbanegården"), ("vaernedamsvej", "Værnedamsvej")],
    "reden": [("gasvaerksvej", "Gasværksvej"), ("mysundegade", "Mysundegade"),
              ("enghave-plads", "Enghave Plads")],
    "sundholm": [("sundholmsvej", "Sundholmsvej"), ("faelledvej-park", "Amager Fælled"),
                 ("hollaendervej", "Hollændervej")],
    "mobile": [("hillerodgade", "Hillerødgade"), ("nordvest-park", "Nordvestparken")],
}
