# Danish for the lock screen, the one live stream, wall screens and the board's feedback
# (issue 16; scripts/fill-po reads DA).
DA = {
    "Lock the screen": "Lås skærmen",
    "Nobody has responded yet": "Ingen har reageret endnu",
    "Log in to respond": "Log ind for at reagere",
    "Connection lost — trying again… Alarms and the board may be out of date.":
        "Forbindelsen er afbrudt – prøver igen … Alarmer og tavlen er måske ikke opdaterede.",
    "The screen is locked.": "Skærmen er låst.",
    "The screen is locked. Alarms at %(sites)s still show here; log in to respond.":
        "Skærmen er låst. Alarmer fra %(sites)s vises stadig her; log ind for at reagere.",
    "%(alias)s is checked out.": "%(alias)s er tjekket ud.",
    "%(alias)s left the queue.": "%(alias)s har forladt køen.",
    "From the queue to a booth": "Fra køen til en plads",
    "Next in the queue": "Næste i køen",
    "Occupied": "Optaget",
    "Wall screen": "Vægskærm",
    "Wall screen: shows the board and alarms, and never logs out.":
        "Vægskærm: viser tavlen og alarmer og logger aldrig ud.",
    "This screen is not connected": "Skærmen er ikke forbundet",
    "A leader or an administrator sets up a wall screen for a site and opens its link once "
    "on the screen. The link is no longer valid, or the screen was revoked.":
        "En leder eller en administrator opretter en vægskærm for et sted og åbner dens link "
        "én gang på skærmen. Linket gælder ikke længere, eller skærmen er tilbagekaldt.",
    "Wall screens": "Vægskærme",
    "A wall screen shows this site's board and every alarm, and never logs out. It can do "
    "nothing else: no check-in, no person pages, no other site.":
        "En vægskærm viser stedets tavle og alle alarmer og logger aldrig ud. Den kan ikke "
        "andet: ingen tjek ind, ingen personsider, intet andet sted.",
    "Open this link once on the screen (it is shown only now):":
        "Åbn dette link én gang på skærmen (det vises kun nu):",
    "Set up a wall screen": "Opret en vægskærm",
    "Name (where it hangs)": "Navn (hvor den hænger)",
    "Show aliases, person codes and substances (only for a screen the users cannot see)":
        "Vis navne, personkoder og stoffer (kun på en skærm, som brugerne ikke kan se)",
    "Set up": "Opret",
    "The site's wall screens": "Stedets vægskærme",
    "Name": "Navn",
    "Names shown": "Viser navne",
    "yes,no": "ja,nej",
    "Status": "Status",
    "Revoked": "Tilbagekaldt",
    "Revoke": "Tilbagekald",
    "None yet.": "Ingen endnu.",
    "The wall screen is revoked.": "Vægskærmen er tilbagekaldt.",
    "show aliases and person codes": "vis navne og personkoder",
    "wall screen": "vægskærm",
    "wall screens": "vægskærme",
    "name": "navn",
    "site": "sted",
    "Set up and revoke the site's wall screens": "Opret og tilbagekald stedets vægskærme",
}
