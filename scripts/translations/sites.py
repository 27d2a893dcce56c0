# Danish for what a page shows of other sites (issue 11, helper "sites"; scripts/fill-po
# reads DA).
DA = {
    "Signed at another site.": "Underskrevet på et andet tilbud.",
}
