DA = {
    "Check-ins": "Tjek-ind",
    "Visits by home municipality": "Besøg pr. hjemkommune",
    "Wait for a booth, minutes": "Ventetid på plads, minutter",
    "Occupancy (share of booth-minutes)": "Belægning (andel af pladsminutter)",
    "Naloxone doses": "Naloxondoser",
    "Referrals by status": "Brobygning pr. status",
    "Complaints by route": "Klager pr. klagevej",
}
