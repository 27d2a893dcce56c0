# Danish for issue 12, part "Retention" (apply_retention: an anonymised person's page);
# scripts/fill-po reads DA.
DA = {
    "anonymised": "anonymiseret",
    "Anonymised on %(day)s, after years without activity: the name is gone, the visits "
    "are still counted.":
        "Anonymiseret %(day)s efter flere år uden aktivitet: navnet er slettet, besøgene "
        "tælles stadig med.",
}
