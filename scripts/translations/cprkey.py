# Danish for issue 12, "The CPR key" (a journal whose CPR key the server lacks);
# scripts/fill-po reads DA.
DA = {
    "The CPR number cannot be read or stored now: the server does not have the key for it. "
    "The rest of the record is safe. Tell the system administrator.":
        "CPR-nummeret kan ikke læses eller gemmes lige nu: serveren har ikke nøglen til det. "
        "Resten af journalen er i behold. Giv besked til systemadministratoren.",
}
