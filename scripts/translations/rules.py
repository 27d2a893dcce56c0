# Danish for issue 11 finding 4 (one rule in one place: refusal codes, complaints naming an
# unknown room, the journal extract, the queue position); scripts/fill-po reads DA.
DA = {
    "Assisted intake not possible right now": "Assisteret indtag ikke muligt lige nu",
    "That room is not known. Choose a room from the list, or no particular room.":
        "Det rum kender vi ikke. Vælg et rum på listen, eller intet bestemt rum.",
    "%(alias)s is in the queue: number %(position)s.":
        "%(alias)s er i køen: nummer %(position)s.",
}
