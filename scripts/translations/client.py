# Danish for helper "client" (issue 11: the API as real clients call it); scripts/fill-po
# reads DA.
DA = {
    "The security token of the page is missing or out of date. Reload the page and try "
    "again.": "Sidens sikkerhedsnøgle mangler eller er forældet. Genindlæs siden og prøv "
              "igen.",
}
