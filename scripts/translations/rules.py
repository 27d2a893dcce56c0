# Danish for issue 11 finding 4 (one rule in one place: refusal codes, complaints naming an
# unknown room, the journal extract, the queue position); scripts/fill-po reads DA.
DA = {
    "Assisted intake not possible right now": "Assisteret indtag ikke muligt lige nu",
}
