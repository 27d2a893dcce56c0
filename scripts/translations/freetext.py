# Danish for issue 12, "Free text" (a CPR number typed into free text is refused for staff
# and masked in a complaint from the public); scripts/fill-po reads DA.
DA = {
    "The text looks like it holds a CPR number. A CPR number belongs only in the CPR field "
    "of the health journal, where it is kept encrypted: remove it from the text.":
        "Teksten ser ud til at indeholde et CPR-nummer. Et CPR-nummer hører kun til i "
        "journalens CPR-felt, hvor det gemmes krypteret: fjern det fra teksten.",
    "Your complaint held a number that looked like a CPR number. It was removed before the "
    "complaint was saved, so no one can read it. A complaint never needs your CPR number.":
        "Din klage indeholdt et tal, der lignede et CPR-nummer. Det blev fjernet, før klagen "
        "blev gemt, så ingen kan læse det. En klage har aldrig brug for dit CPR-nummer.",
    "Do not write your CPR number: a complaint never needs it, and a number that looks like "
    "one is removed.":
        "Skriv ikke dit CPR-nummer: en klage har aldrig brug for det, og et tal, der ligner "
        "et, bliver fjernet.",
}
