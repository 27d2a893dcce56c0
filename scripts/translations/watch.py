# Danish for the booth watch (issue 14: look-ins, overdue booths, check intervals,
# statistics); scripts/fill-po reads DA.
DA = {
    "Booth watch": "Tilsyn med pladserne",
    "booth check interval": "tjekinterval for plads",
    "booth check intervals": "tjekintervaller for pladser",
    "Booth check intervals": "Tjekintervaller for pladserne",
    "minutes without a look-in": "minutter uden tilsyn",
    "minutes without a look-in (assisted intake)": "minutter uden tilsyn (assisteret indtag)",
    "look-in": "tilsyn",
    "look-ins": "tilsyn",
    "overdue booth": "plads over tjektiden",
    "overdue booths": "pladser over tjektiden",
    "Looked in": "Tilset",
    "Left the booth": "Forlod pladsen",
    "Check now": "Tjek nu",
    "Checked": "Tjekket",
    "Checked %(time)s": "Tjekket %(time)s",
    "Not checked yet": "Ikke tjekket endnu",
    "(looked in on booth %(booth)s)": "(har set til plads %(booth)s)",
    "Check the booth now": "Tjek pladsen nu",
    "no look-in for": "intet tilsyn i",
    "Booth %(booth)s checked.": "Plads %(booth)s er tjekket.",
    "The check intervals are saved.": "Tjekintervallerne er gemt.",
    "An occupied booth without a look-in for this many minutes shows \"Check now\" on every "
    "board of the room; after as many minutes again it becomes a banner until someone taps "
    "\"Checked\" or raises the alarm. Assisted intakes get a shorter interval.":
        "En optaget plads uden tilsyn i så mange minutter viser \"Tjek nu\" på alle rummets "
        "tavler; efter lige så mange minutter til bliver det et banner, indtil nogen trykker "
        "\"Tjekket\" eller slår alarm. Assisterede indtag får et kortere interval.",
    "Minutes without a look-in": "Minutter uden tilsyn",
    "Minutes without a look-in (assisted intake)": "Minutter uden tilsyn (assisteret indtag)",
    "default": "standard",
    "Minutes, %(method)s": "Minutter, %(method)s",
    "Minutes for an assisted intake, %(method)s": "Minutter ved assisteret indtag, %(method)s",
    "Back to the board": "Tilbage til tavlen",
    "Booth look-ins": "Tilsyn med pladserne registreret",
    "Booths overdue for a look-in": "Pladser over tjektiden",
    "Overdue booths escalated": "Pladser over tjektiden, eskaleret",
    "Overdue to look-in, minutes": "Fra over tjektiden til tilsyn, minutter",
    "Overdue to look-in (median / 90th percentile)":
        "Fra over tjektiden til tilsyn (median / 90-percentil)",
    "Booth watch by site": "Tilsyn fordelt på tilbud",
    "%(n)s escalated": "%(n)s eskaleret",
    "Escalated": "Eskaleret",
    "Minutes to look-in, median": "Minutter til tilsyn, median",
    "90th percentile": "90-percentil",
    "Booths overdue by weekday and hour": "Pladser over tjektiden pr. ugedag og time",
    "Where staff are stretched: the hour a booth went past its check interval without a "
    "look-in; darker is more.":
        "Hvor personalet er presset: den time, en plads passerede tjekintervallet uden "
        "tilsyn; mørkere er flere.",
    "The numbers (booths overdue)": "Tallene (pladser over tjektiden)",
}
