# Danish for issue 14, drug-cluster alerts (stofrum/alerts); scripts/fill-po reads DA.
DA = {
    # models and errors
    "Cluster of overdoses": "Klynge af overdoser",
    "Raised by a leader": "Oprettet af en leder",
    "drug alert": "stofadvarsel",
    "drug alerts": "stofadvarsler",
    "ends": "slutter",
    "overdoses": "overdoser",
    "source": "kilde",
    "started": "startet",
    "Raise and end drug alerts for the city": "Oprette og afslutte stofadvarsler for hele byen",
    "A drug alert for this substance is already in force.":
        "Der er allerede en stofadvarsel for dette stof.",
    "This drug alert has ended.": "Denne stofadvarsel er afsluttet.",
    # pages
    "Drug alerts": "Stofadvarsler",
    "Drug alert: %(substance)s": "Stofadvarsel: %(substance)s",
    "Overdoses with this substance in the rooms: %(n)s (%(sites)s).":
        "Overdoser med dette stof i rummene: %(n)s (%(sites)s).",
    "Warning raised by a leader.": "Advarsel oprettet af en leder.",
    "Overdoses since: %(n)s.": "Overdoser siden: %(n)s.",
    "Since %(since)s, until %(until)s unless there are new cases.":
        "Siden %(since)s, indtil %(until)s, medmindre der kommer nye tilfælde.",
    "Warn everyone who names it.": "Advar alle, der nævner det.",
    "Acknowledged for this site at %(at)s.": "Kvitteret for dette tilbud kl. %(at)s.",
    "Acknowledge for this site": "Kvittér for dette tilbud",
    "acknowledged at %(at)s": "kvitteret kl. %(at)s",
    "Drug alert for %(substance)s: warn the person before they use it.":
        "Stofadvarsel for %(substance)s: advar personen, før stoffet tages.",
    "An alert is raised by itself when %(k)s overdoses with the same substance happen "
    "within %(t)s hours across the rooms, and ends when %(t)s hours pass without a new "
    "case.":
        "En advarsel oprettes af sig selv, når der sker %(k)s overdoser med det samme stof "
        "inden for %(t)s timer i rummene, og slutter, når der går %(t)s timer uden et nyt "
        "tilfælde.",
    "In force": "Gældende",
    "End the alert for %(substance)s": "Afslut advarslen for %(substance)s",
    "No drug alert is in force.": "Der er ingen gældende stofadvarsel.",
    "Raise an alert by hand": "Opret en advarsel manuelt",
    "For a warning from the Region or the police about a batch. Every board of every site "
    "shows it. No person data in the note.":
        "Til en advarsel fra Regionen eller politiet om et parti. Alle tavler på alle "
        "tilbud viser den. Ingen personoplysninger i noten.",
    "Note (what is known about the batch)": "Note (hvad man ved om partiet)",
    "Raise the drug alert": "Opret stofadvarslen",
    "Ended": "Afsluttet",
    "Source": "Kilde",
    "Started": "Startet",
    "Overdoses": "Overdoser",
    "Drug alert raised for %(substance)s: every site sees it now.":
        "Stofadvarsel oprettet for %(substance)s: alle tilbud ser den nu.",
    "Drug alert acknowledged for this site.": "Stofadvarslen er kvitteret for dette tilbud.",
    "The drug alert has ended.": "Stofadvarslen er afsluttet.",
    # statistics
    "Overdoses counted in drug alerts": "Overdoser talt med i stofadvarsler",
    "Drug alerts (their overdoses)": "Stofadvarsler (deres overdoser)",
}
