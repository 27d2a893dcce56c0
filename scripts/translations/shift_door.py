# Danish for corrections at the door and the door's search (issue 16 items 6–7);
# scripts/fill-po reads DA.
DA = {
    "It is too late to undo or correct this at the door.":
        "Det er for sent at fortryde eller rette det her ved døren.",
    "The visit was not checked out of a booth.": "Besøget blev ikke tjekket ud af en plads.",
    "That booth is not free any more.": "Den plads er ikke ledig længere.",
    "Someone else changed this visit at the same moment. Reload and try again.":
        "En anden ændrede besøget i samme øjeblik. Genindlæs og prøv igen.",
    "Choose a free booth of the visit's intake method at this room.":
        "Vælg en ledig plads til besøgets indtagelsesmåde i dette rum.",
    "Move to booth": "Flyt til plads",
    "Keep the booth (or the first free one)": "Behold pladsen (eller den første ledige)",
    "%(alias)s is back in booth %(booth)s.": "%(alias)s er tilbage på plads %(booth)s.",
    "%(alias)s is back in the queue.": "%(alias)s er tilbage i køen.",
    "booth %(booth)s": "plads %(booth)s",
    "%(alias)s corrected: %(where)s.": "%(alias)s er rettet: %(where)s.",
    "Correct the visit": "Ret besøget",
    "booth": "plads",
    "checked in": "tjekket ind",
    "A new intake method moves the person to a free booth of that method, or to the front "
    "of its queue.":
        "En ny indtagelsesmåde flytter personen til en ledig plads til den måde, eller "
        "forrest i dens kø.",
    "Save the correction": "Gem rettelsen",
    "Correct / move": "Ret / flyt",
    "Correct": "Ret",
    "waited %(minutes)s min": "ventet %(minutes)s min",
    "Recently checked out": "Tjekket ud for lidt siden",
    "Undo": "Fortryd",
    "check-out of %(alias)s": "udtjekning af %(alias)s",
    "Excluded today": "Bortvist i dag",
    "Quarantine until %(date)s": "Karantæne til %(date)s",
}
