# Danish for issue 13, "Retries that never double" and readiness (Idempotency-Key, the
# pages' form keys, a database that does not answer); scripts/fill-po reads DA.
DA = {
    "This Idempotency-Key was already used for another request. Make a new key for each "
    "new request.":
        "Denne Idempotency-Key er allerede brugt til en anden forespørgsel. Lav en ny nøgle "
        "til hver ny forespørgsel.",
    "The same request is still being handled. Try again in a moment.":
        "Den samme forespørgsel er ved at blive behandlet. Prøv igen om lidt.",
    "The database cannot be reached right now. Nothing was saved. Try again in a moment.":
        "Databasen kan ikke nås lige nu. Intet er gemt. Prøv igen om lidt.",
    "Try again in a moment": "Prøv igen om lidt",
    "Stofrum cannot reach its database right now, so nothing was saved. Wait a moment and "
    "try again.":
        "Stofrum kan ikke nå sin database lige nu, så intet er gemt. Vent lidt, og prøv "
        "igen.",
    "If it lasts, tell the system administrator.":
        "Hvis det varer ved, så giv besked til systemadministratoren.",
    "That was sent twice; it was recorded once.":
        "Det blev sendt to gange; det er registreret én gang.",
}
