# Danish for issue 12 (the absolute session lifetime); scripts/fill-po reads DA.
DA = {
    "Your session has ended; please log in again.":
        "Din session er udløbet; log ind igen.",
}
