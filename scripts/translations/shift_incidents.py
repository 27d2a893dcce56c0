# Danish for one alarm per emergency and the journals still to be written (issue 16, items
# 3 and 4); scripts/fill-po reads DA.
DA = {
    "Unknown / not yet clear": "Ukendt / ikke afklaret endnu",
    "Alarm running": "Alarm i gang",
    "Journal not written yet": "Journal ikke skrevet endnu",
    "overdue": "over fristen",
    "What kind of incident": "Hvilken slags hændelse",
    "Not decided yet: choose it when you know, during or after the incident. Statistics "
    "count the kind chosen here.":
        "Ikke afklaret endnu: vælg typen, når I ved det, under eller efter hændelsen. "
        "Statistikken tæller den type, der vælges her.",
    "Save the kind": "Gem typen",
    "The kind is still unknown. Choose it now if you can; it can also be corrected later.":
        "Typen er stadig ukendt. Vælg den nu, hvis I kan; den kan også rettes senere.",
    "as in the original record": "som i den oprindelige journal",
    "An alarm is already running here: this is its incident.":
        "Der er allerede en alarm i gang her: dette er dens hændelse.",
}
