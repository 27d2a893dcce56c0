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
    # House rules: unequal line counts
    "The Danish rules have %(da)d lines and the English %(en)d. The poster pairs them line by "
    "line: check that each line matches its translation.":
        "De danske regler har %(da)d linjer og de engelske %(en)d. Plakaten parrer dem linje "
        "for linje: tjek at hver linje svarer til sin oversættelse.",
    # Complaints: how the answer comes
    "You do not need to log in or give your name. We do not store where you write from. If "
    "you want an answer, write a name or nickname: the room's leader answers you when you "
    "ask for them in the room.":
        "Du behøver ikke logge ind eller skrive dit navn. Vi gemmer ikke, hvor du skriver fra. "
        "Hvis du vil have svar, så skriv et navn eller kaldenavn: rummets leder svarer dig, "
        "når du spørger efter lederen i rummet.",
    "The room's leader reads and handles your complaint.":
        "Rummets leder læser og behandler din klage.",
    "The room's leader passes your complaint on to Socialforvaltningen (Social Services), "
    "who handle it.":
        "Rummets leder sender din klage videre til Socialforvaltningen, som behandler den.",
    "The room's leader sees that you wrote to the Citizens' Advisor, but your complaint is "
    "not sent on from here. To have your case looked at by the Citizens' Advisor, contact "
    "them yourself:":
        "Rummets leder kan se, at du har skrevet til Borgerrådgiveren, men din klage sendes "
        "ikke videre herfra. Vil du have Borgerrådgiveren til at se på din sag, så kontakt "
        "dem selv:",
    "To get the answer, ask for the room's leader and give the name or nickname you wrote. "
    "Only the leader sees complaints: the other staff in the room cannot look it up.":
        "Du får svaret ved at spørge efter rummets leder og sige det navn eller kaldenavn, du "
        "skrev. Kun lederen ser klager: det øvrige personale i rummet kan ikke slå den op.",
    "You did not leave a name or nickname, so you will not get a personal answer. Your "
    "complaint is still read and handled. If you want an answer, you can write again with a "
    "name or nickname, or ask to speak with the room's leader.":
        "Du skrev ikke et navn eller kaldenavn, så du får ikke et personligt svar. Din klage "
        "bliver stadig læst og behandlet. Vil du have svar, kan du skrive igen med et navn "
        "eller kaldenavn eller bede om at tale med rummets leder.",
    "If you are unhappy with how your complaint is handled, you can contact the Citizens' "
    "Advisor:":
        "Er du utilfreds med, hvordan din klage bliver behandlet, kan du kontakte "
        "Borgerrådgiveren:",
    # A planned room
    "opening date not yet set": "åbningsdato er endnu ikke fastsat",
}
