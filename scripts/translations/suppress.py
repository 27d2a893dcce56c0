# Danish for the protected exports (issue 12, "Exports that cannot be undone").
DA = {
    "Exports cover whole calendar months that have ended: from the first day of a month to "
    "the last day of a month before this one.":
        "Udtræk omfatter hele kalendermåneder, der er slut: fra den første dag i en måned til "
        "den sidste dag i en måned før denne.",
    "The page shows every count. The CSV and XLSX files may leave the municipality: they "
    "cover whole months that have ended, and in them counts below %(n)s (0 included), and "
    "the counts that would reveal them, are shown as \"..\".":
        "Siden viser alle tal. CSV- og XLSX-filerne kan forlade kommunen: de omfatter hele "
        "måneder, der er slut, og i dem vises tal under %(n)s (også 0) og de tal, der ville "
        "afsløre dem, som \"..\".",
}
