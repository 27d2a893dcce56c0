# Danish for issue 11 finding 6 (the history panel on the person and visit pages);
# scripts/fill-po reads DA.
DA = {
    "History": "Historik",
    "Who did what, when: newest first": "Hvem gjorde hvad, hvornår: nyeste først",
    "No events you may see.": "Ingen hændelser, du må se.",
    "Only the newest events are shown here.": "Kun de nyeste hændelser vises her.",
    "All events in the audit trail": "Alle hændelser i revisionssporet",
}
