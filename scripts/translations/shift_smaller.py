# Danish for issue 16 items 9 and 10 (exclusions until the site's day ends, the rule picked
# from the house rules, and the smaller things); scripts/fill-po reads DA.
DA = {
    "The person is excluded from this room for the rest of the day.":
        "Personen er bortvist fra dette rum resten af dagen.",
    "The person is excluded from this room for the rest of the day (until %(time)s).":
        "Personen er bortvist fra dette rum resten af dagen (til kl. %(time)s).",
    "Excluded for the rest of the day": "Bortvist resten af dagen",
    "Pick one of the site's current house rules, or choose other and write the rule.":
        "Vælg en af stedets gældende ordensregler, eller vælg andet og skriv reglen.",
    "Other (write the rule below)": "Andet (skriv reglen herunder)",
    "The rule, if other": "Reglen, hvis andet",
    "Exclude for the rest of the day": "Bortvis resten af dagen",
    "from (time)": "fra (tidspunkt)",
    "until (time)": "til (tidspunkt)",
}
