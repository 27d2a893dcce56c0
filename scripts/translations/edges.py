# Danish for the answers to bad input: too large, too long, out of range (issue 11).
DA = {
    "The request is larger than the server accepts.":
        "Forespørgslen er større, end serveren tager imod.",
    "Too large": "For stor",
    "What was sent is larger than the server accepts. Shorten the text and try again.":
        "Det sendte er større, end serveren tager imod. Gør teksten kortere, og prøv igen.",
}
