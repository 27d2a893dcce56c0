# Danish for issue 15, reports from neighbours (stofrum/neighbours); scripts/fill-po reads DA.
DA = {
    # kinds and outcomes
    "A syringe or needle": "En sprøjte eller kanyle",
    "Other drug litter": "Andet stofaffald",
    "Drug use in public": "Stofindtag i det offentlige rum",
    "A disturbance": "Uro eller gene",
    "Something else": "Noget andet",
    "Collected": "Samlet op",
    "Answered": "Besvaret",
    "Nothing found": "Intet fundet",
    # the model
    "what": "hvad",
    "where": "hvor",
    "more about it": "mere om det",
    "how to answer you": "hvordan vi kan svare dig",
    "outcome": "udfald",
    "report from a neighbour": "henvendelse fra en nabo",
    "reports from neighbours": "henvendelser fra naboer",
    # refusals
    "Choose what you want to report.": "Vælg, hvad du vil fortælle om.",
    "Choose how the report was closed.": "Vælg, hvordan henvendelsen blev afsluttet.",
    "Someone has already closed this report.":
        "En anden har allerede afsluttet denne henvendelse.",
    "Choose the room nearest to the place.": "Vælg det rum, der ligger nærmest stedet.",
    # the public page
    "Report something near a room": "Fortæl om noget nær et af rummene",
    "Found a syringe or other drug litter, seen drugs used in public, or been disturbed "
    "near one of the rooms? Tell the staff of the nearest room: they go out and pick it up. "
    "You do not need to log in or give your name.":
        "Har du fundet en sprøjte eller andet stofaffald, set nogen tage stoffer i det "
        "offentlige rum eller været generet nær et af rummene? Fortæl det til personalet i "
        "det nærmeste rum: de går ud og tager sig af det. Du skal ikke logge ind eller "
        "oplyse dit navn.",
    "If someone is ill or in danger, call 112.":
        "Hvis nogen er syge eller i fare, så ring 112.",
    "Which room is nearest?": "Hvilket rum ligger nærmest?",
    "Choose a room": "Vælg et rum",
    "What do you want to report?": "Hvad vil du fortælle om?",
    "Where? (street, number, a landmark)": "Hvor? (gade, nummer, et kendt sted)",
    "More about it (optional)": "Mere om det (frivilligt)",
    "Phone or e-mail, if you want an answer (optional)":
        "Telefon eller e-mail, hvis du vil have svar (frivilligt)",
    "Only the staff of the room you chose can see your phone or e-mail, and only to answer "
    "you. It is never used for anything else and never appears in statistics. It is "
    "deleted %(days)s days after the report is closed.":
        "Kun personalet i det rum, du valgte, kan se din telefon eller e-mail, og kun for "
        "at svare dig. Den bruges aldrig til andet og kommer aldrig med i statistik. Den "
        "slettes %(days)s dage efter, at henvendelsen er afsluttet.",
    "Send the report": "Send henvendelsen",
    "We do not store where you write from.": "Vi gemmer ikke, hvor du skriver fra.",
    "About the rooms": "Om rummene",
    "Thank you. Your report is received.": "Tak. Din henvendelse er modtaget.",
    "Your report held a number that looked like a CPR number. It was removed before the "
    "report was saved.":
        "Din henvendelse indeholdt et tal, der lignede et CPR-nummer. Det blev fjernet, før "
        "henvendelsen blev gemt.",
    "The staff of the room see your report on their board and go out when they can.":
        "Personalet i rummet ser din henvendelse på deres tavle og går ud, så snart de kan.",
    "The staff may contact you to answer. Your phone or e-mail is deleted %(days)s days "
    "after the report is closed.":
        "Personalet kan kontakte dig for at svare. Din telefon eller e-mail slettes "
        "%(days)s dage efter, at henvendelsen er afsluttet.",
    "You did not leave a phone or e-mail, so you will not get an answer. The report is "
    "still read and picked up.":
        "Du skrev ikke telefon eller e-mail, så du får ikke svar. Henvendelsen bliver "
        "stadig læst, og der bliver taget hånd om den.",
    "Report something else": "Fortæl om noget andet",
    "Neighbours: report a syringe or a disturbance":
        "Naboer: fortæl om en sprøjte eller uro",
    # the staff's pages
    "Reports from neighbours": "Henvendelser fra naboer",
    "Back to the board": "Tilbage til tavlen",
    "To pick up": "Skal tages hånd om",
    "No reports to pick up.": "Ingen henvendelser at tage hånd om.",
    "Received": "Modtaget",
    "No particular room": "Intet bestemt rum",
    "Show how to answer (logged)": "Vis, hvordan der kan svares (logges)",
    "The neighbour left a way to be answered; the staff of the room can see it.":
        "Naboen har skrevet, hvordan der kan svares; personalet i rummet kan se det.",
    "Closed lately": "Afsluttet for nylig",
    "What": "Hvad",
    "Where": "Hvor",
    "Outcome": "Udfald",
    "Minutes to pickup": "Minutter til handling",
    "How to answer the neighbour": "Sådan kan I svare naboen",
    "Use it only to answer this report. Your reading is logged.":
        "Brug det kun til at svare på denne henvendelse. At du har set det, er logget.",
    "No contact details (none were given, or they have been deleted).":
        "Ingen kontaktoplysninger (der blev ikke givet nogen, eller de er slettet).",
    "Back to the reports": "Tilbage til henvendelserne",
    "Back": "Tilbage",
    "The report is closed.": "Henvendelsen er afsluttet.",
    "Reports from neighbours to pick up: %(n)s":
        "Henvendelser fra naboer at tage hånd om: %(n)s",
    "To pick up: %(n)s": "At tage hånd om: %(n)s",
    # statistics
    "Reports from neighbours by kind": "Henvendelser fra naboer fordelt på type",
    "Report to pickup, minutes": "Fra henvendelse til handling, minutter",
    "The neighbourhood": "Nærmiljøet",
    "Report to pickup (median / 90th percentile)":
        "Fra henvendelse til handling (median / 90-percentil)",
}
