# Danish for the care, conduct, house-rules and voice pages (scripts/fill-po reads DA).
DA = {
    "Suggested": "Foreslået",
    "Contacted": "Kontaktet",
    "Appointment made": "Aftale lavet",
    "Attended": "Mødt op",
    "Did not attend": "Ikke mødt op",
    "Declined": "Takket nej",
    "kind of service": "ydelsestype",
    "kinds of service": "ydelsestyper",
    "referral target": "brobygningsmål",
    "referral targets": "brobygningsmål",
    "given at": "givet",
    "service": "ydelse",
    "services": "ydelser",
    "follow up on": "opfølgning den",
    "referral": "brobygning",
    "referrals": "brobygninger",
    "Services and referrals": "Ydelser og brobygning",
    "anonymous (no person)": "anonym (ingen person)",
    "Record a service": "Registrér en ydelse",
    "Note (optional)": "Note (valgfri)",
    "Refer onwards (bridge-building)": "Brobygning videre",
    "Follow up on": "Opfølgning den",
    "Record the referral": "Registrér brobygningen",
    "Referral": "Brobygning",
    "Person": "Person",
    "Status": "Status",
    "Made": "Oprettet",
    "Note": "Note",
    "New status": "Ny status",
    "(unchanged)": "(uændret)",
    "Next follow-up": "Næste opfølgning",
    "All referrals at the site": "Alle brobygninger i tilbuddet",
    "Referrals": "Brobygninger",
    "Target": "Til",
    "Follow-ups due": "Opfølgninger der skal laves",
    "Nothing to follow up today.": "Intet at følge op på i dag.",
    "Other open referrals": "Andre åbne brobygninger",
    "None.": "Ingen.",
    "Recently closed": "Senest afsluttet",
    "Recorded: %(service)s.": "Registreret: %(service)s.",
    "Referral to %(target)s recorded.": "Brobygning til %(target)s er registreret.",
    "The referral is updated.": "Brobygningen er opdateret.",
    "Quarantine": "Karantæne",
    "Excluded for the rest of the day": "Bortvist resten af dagen",
    "when": "hvornår",
    "which rule": "hvilken regel",
    "what happened": "hvad skete der",
    "violation": "regelbrud",
    "violations": "regelbrud",
    "Quarantines": "Karantæner",
    "In quarantine today": "I karantæne i dag",
    "Kind": "Type",
    "Sites": "Tilbud",
    "Until": "Til og med",
    "Reason": "Begrundelse",
    "No one is in quarantine here today.": "Ingen er i karantæne her i dag.",
    "The violation is recorded.": "Regelbruddet er registreret.",
    "%(alias)s is excluded from %(site)s for the rest of the day.":
        "%(alias)s er bortvist fra %(site)s resten af dagen.",
    "Quarantine until %(date)s is recorded.": "Karantæne til og med %(date)s er registreret.",
    "The quarantine is lifted.": "Karantænen er ophævet.",
    "Please write something.": "Skriv venligst noget.",
    "The text is too long.": "Teksten er for lang.",
    "Unknown kind of service.": "Ukendt ydelse.",
    "Unknown referral target.": "Ukendt brobygningsmål.",
    "The referral cannot move to that status from where it is.":
        "Brobygningen kan ikke gå til den status herfra.",
    "The referral is closed.": "Brobygningen er afsluttet.",
    "The visit belongs to another site or person.": "Besøget hører til et andet tilbud eller "
                                                    "en anden person.",
    "Choose a site.": "Vælg et tilbud.",
    "The date is not valid.": "Datoen er ikke gyldig.",
    "The end date must be today or later.": "Slutdatoen skal være i dag eller senere.",
    "The quarantine is no longer in force.": "Karantænen gælder ikke længere.",
    "Choose the sites the quarantine covers.": "Vælg de tilbud, karantænen gælder for.",
    "Choose where the complaint should go.": "Vælg, hvor klagen skal hen.",
    "Unknown status.": "Ukendt status.",
    "It has already been answered.": "Der er allerede svaret.",
    "Someone else changed the rules at the same moment. Reload and try again.":
        "En anden ændrede reglerne i samme øjeblik. Genindlæs og prøv igen.",
    "Record a service or referral at %(site)s": "Registrér ydelse eller brobygning i %(site)s",
    "Services": "Ydelser",
    "When": "Hvornår",
    "Service": "Ydelse",
    "No services recorded.": "Ingen ydelser registreret.",
    "No referrals.": "Ingen brobygninger.",
    "House rules: violations and quarantine": "Ordensregler: regelbrud og karantæne",
    "Decided by": "Besluttet af",
    "Lifted": "Ophævet",
    "Reason for lifting": "Begrundelse for ophævelse",
    "Lift": "Ophæv",
    "No quarantines.": "Ingen karantæner.",
    "Violations": "Regelbrud",
    "Rule": "Regel",
    "What happened": "Hvad skete der",
    "No violations recorded.": "Ingen regelbrud registreret.",
    "Record a violation": "Registrér et regelbrud",
    "Which rule": "Hvilken regel",
    "Exclude from this site for the rest of the day": "Bortvis fra tilbuddet resten af dagen",
    "Record the violation": "Registrér regelbruddet",
    "Decide a quarantine": "Beslut en karantæne",
    "Where": "Hvor",
    "All sites": "Alle tilbud",
    "Only these sites:": "Kun disse tilbud:",
    "Until (included)": "Til og med",
    "Decide the quarantine": "Beslut karantænen",
    "Write a complaint": "Skriv en klage",
    "You do not need to log in or give your name. We do not store where you write from. "
    "If you want an answer, write a name or nickname the staff can ask for in the room.":
        "Du behøver ikke logge ind eller skrive dit navn. Vi gemmer ikke, hvor du skriver "
        "fra. Vil du have svar, så skriv et navn eller kaldenavn, personalet kan spørge "
        "efter i stofindtagelsesrummet.",
    "Which room is it about?": "Hvilket stofindtagelsesrum handler det om?",
    "No particular room / all rooms": "Intet bestemt / alle rum",
    "Who should handle it?": "Hvem skal behandle klagen?",
    "Your complaint": "Din klage",
    "Anonymous (no name)": "Anonym (uden navn)",
    "Name or nickname, if you want an answer (optional)":
        "Navn eller kaldenavn, hvis du vil have svar (valgfrit)",
    "Send the complaint": "Send klagen",
    "Thank you": "Tak",
    "Thank you. Your complaint is received.": "Tak. Din klage er modtaget.",
    "It should be answered by %(date)s.": "Den skal besvares senest %(date)s.",
    "If you wrote a name or nickname, ask the staff in the room for the answer.":
        "Hvis du skrev et navn eller kaldenavn, så spørg personalet i rummet efter svaret.",
    "Back to the rooms": "Tilbage til stofindtagelsesrummene",
    "On this page": "På denne side",
    "Who the rooms are for": "Hvem rummene er for",
    "What may be taken": "Hvad må man indtage",
    "Anonymity": "Anonymitet",
    "Help you can get": "Hjælp du kan få",
    "Suggestions and complaints": "Forslag og klager",
    "The rooms are for adults (18 or older) who are heavily dependent on drugs and take "
    "them by injection or by smoking. The purpose is to prevent deaths from overdose, to "
    "reduce infections and other harm, and to make life safer — for you and for the "
    "neighbourhood. Reden is for women only.":
        "Rummene er for voksne (18 år eller ældre) med et massivt stofmisbrug, som indtager "
        "stoffer ved injektion eller rygning. Formålet er at forebygge dødsfald ved "
        "overdosis, mindske infektioner og andre skader og gøre livet mere trygt — for dig "
        "og for nabolaget. Reden er kun for kvinder.",
    "You bring your own drugs and take them yourself. For example:":
        "Du medbringer dine egne stoffer og indtager dem selv. For eksempel:",
    "Anonymity: what we register and why": "Anonymitet: hvad vi registrerer og hvorfor",
    "You do not have to give your real name. On your first visit we register a name or "
    "nickname, your birth year, your gender and your home municipality, and you get a "
    "short person code. We need this to give out the places fairly, to see that you are "
    "over 18, and to count how the rooms are used. We never register your CPR number, "
    "address, phone number or photo at the door.":
        "Du behøver ikke opgive dit rigtige navn. Første gang registrerer vi et navn eller "
        "kaldenavn, dit fødselsår, dit køn og din hjemkommune, og du får en kort personkode. "
        "Det skal vi bruge for at fordele pladserne retfærdigt, se at du er over 18 og tælle, "
        "hvordan rummene bruges. Ved indgangen registrerer vi aldrig dit CPR-nummer, din "
        "adresse, dit telefonnummer eller et foto.",
    "If you overdose or need other treatment, the health staff write a health record as "
    "the law requires. Only then is a CPR number written down — your own, or a made-up "
    "one if you prefer not to give it — kept encrypted and seen only by health staff. "
    "Information is passed on to the Region (for example to a hospital) only if you agree.":
        "Får du en overdosis eller anden behandling, skriver sundhedspersonalet en journal, "
        "som loven kræver. Kun da skrives et CPR-nummer ned — dit eget eller et fiktivt, "
        "hvis du hellere vil det — og det gemmes krypteret og ses kun af "
        "sundhedspersonalet. Oplysninger gives kun videre til Regionen (fx et hospital), "
        "hvis du siger ja.",
    "Health-qualified staff are always present. Besides watching over you while you take "
    "your drugs, they offer:":
        "Der er altid sundhedsfagligt personale til stede. Ud over at holde øje med dig, "
        "mens du indtager dine stoffer, tilbyder de:",
    "Staff can also help you on to a health clinic, a doctor, hospital, psychiatry, drug "
    "treatment, a place to stay, home care or the job centre (bridge-building).":
        "Personalet kan også hjælpe dig videre til sundhedsklinik, læge, hospital, "
        "psykiatri, stofbehandling, et sted at bo, hjemmepleje eller jobcentret "
        "(brobygning).",
    "These rules apply in all the rooms. Each room has a few of its own as well:":
        "Disse regler gælder i alle rummene. Hvert rum har også et par af sine egne:",
    "Breaking the rules can lead to quarantine: for a time you may not use one room or all "
    "of them. Ordinary law applies, and staff call the police if a situation requires it.":
        "Overtrædelse af reglerne kan føre til karantæne: en periode, hvor du ikke må bruge "
        "ét eller alle rummene. Den almindelige lovgivning gælder, og personalet tilkalder "
        "politiet, hvis situationen kræver det.",
    "You can always make a suggestion or criticism to the staff, and you can ask for a "
    "meeting with the leader. If users wish, the room sets up a user council.":
        "Du kan altid komme med forslag eller kritik til personalet, og du kan bede om et "
        "møde med lederen. Hvis brugerne ønsker det, opretter rummet et brugerråd.",
    "You can complain in three places:": "Du kan klage tre steder:",
    "Back": "Tilbage",
    "version": "version",
    "rules (Danish), one per line": "regler (dansk), én pr. linje",
    "rules (English), one per line": "regler (engelsk), én pr. linje",
    "what changed": "hvad er ændret",
    "changed at": "ændret",
    "house rules": "ordensregler",
    "shared by all rooms": "fælles for alle rum",
    "Poster for the wall (printable)": "Opslag til væggen (kan printes)",
    "One rule per line. Saving publishes a new version; earlier versions are kept.":
        "Én regel pr. linje. Når du gemmer, udgives en ny version; de tidligere gemmes.",
    "Rules in Danish": "Regler på dansk",
    "Rules in English": "Regler på engelsk",
    "What changed (for the history)": "Hvad er ændret (til historikken)",
    "Publish a new version": "Udgiv en ny version",
    "Versions": "Versioner",
    "Version": "Version",
    "Changed": "Ændret",
    "By": "Af",
    "What changed": "Hvad er ændret",
    "No rules yet.": "Ingen regler endnu.",
    "A new version of the house rules is published.": "En ny version af ordensreglerne er "
                                                      "udgivet.",
    "Record services and referrals": "Registrere ydelser og brobygning",
    "Record violations and exclusions for the day": "Registrere regelbrud og bortvisning "
                                                    "for dagen",
    "Edit the house rules": "Redigér ordensreglerne",
    "Record suggestions, meeting requests and user councils":
        "Registrere forslag, mødeønsker og brugerråd",
    "Answer suggestions and complaints": "Besvare forslag og klager",
    "Referrals and follow-ups": "Brobygning og opfølgning",
    "Suggestions and meetings": "Forslag og møder",
    "Write down a complaint": "Skriv en klage ned",
    "User council": "Brugerråd",
    "House rules poster": "Opslag med ordensregler",
    "Complaints": "Klager",
    "House rules shared by all rooms": "Fælles ordensregler for alle rum",
    "Service / referral": "Ydelse / brobygning",
    "Site tools": "Tilbuddets værktøjer",
    "Suggestion": "Forslag",
    "Criticism": "Kritik",
    "Meeting with the leader": "Møde med lederen",
    "The room's leader": "Rummets leder",
    "Socialforvaltningen (Social Services)": "Socialforvaltningen",
    "Borgerrådgiveren (Citizens' Advisor)": "Borgerrådgiveren",
    "Received": "Modtaget",
    "Being handled": "Under behandling",
    "Forwarded": "Videresendt",
    "Answered": "Besvaret",
    "text": "tekst",
    "meeting time": "mødetidspunkt",
    "response or outcome": "svar eller resultat",
    "suggestion": "forslag",
    "suggestions": "forslag",
    "complaint": "klage",
    "anonymous": "anonym",
    "name, nickname or person code": "navn, kaldenavn eller personkode",
    "answer due": "svarfrist",
    "response": "svar",
    "complaints": "klager",
    "date": "dato",
    "agenda": "dagsorden",
    "minutes": "referat",
    "users present": "brugere til stede",
    "present (aliases, if they wish)": "til stede (navne, hvis de ønsker det)",
    "decisions": "beslutninger",
    "follow-up actions": "opfølgning",
    "user-council meeting": "brugerrådsmøde",
    "user-council meetings": "brugerrådsmøder",
    "Answer due": "Svarfrist",
    "Complaint": "Klage",
    "Date": "Dato",
    "Agenda": "Dagsorden",
    "Users present (number)": "Brugere til stede (antal)",
    "Present (aliases, only of those who wish to be named)":
        "Til stede (navne, kun på dem der ønsker at blive nævnt)",
    "Minutes": "Referat",
    "Decisions": "Beslutninger",
    "Follow-up actions (who does what, by when)": "Opfølgning (hvem gør hvad, hvornår)",
    "For complaints about the service, staff conduct or conditions in the room. The leader "
    "can change how things are done in the room and answers you.":
        "Klager over serviceniveau, personalets optræden eller forholdene i rummet. Lederen "
        "kan ændre, hvordan tingene gøres i rummet, og svarer dig.",
    "Socialforvaltningen (the municipality's Social Services Administration)":
        "Socialforvaltningen (Københavns Kommune)",
    "For the same matters, and for complaints about the management, the facilities or what "
    "the municipality is responsible for. It can make decisions about the rooms; it cannot "
    "handle criminal matters.":
        "De samme forhold, og klager over ledelsen, de fysiske rammer eller det, kommunen "
        "har ansvaret for. Den kan træffe beslutninger om rummene; den behandler ikke "
        "straffesager.",
    "Borgerrådgiveren (the Citizens' Advisor)": "Borgerrådgiveren",
    "If you are unhappy with how your case or complaint was handled. The Citizens' Advisor "
    "cannot change decisions, but gives advice and helps you on.":
        "Hvis du er utilfreds med, hvordan din sag eller klage er behandlet. "
        "Borgerrådgiveren kan ikke ændre afgørelser, men rådgiver og hjælper dig videre.",
    "Phone": "Telefon",
    "The answer is overdue.": "Svarfristen er overskredet.",
    "via the public page": "via den offentlige side",
    "The complaint": "Klagen",
    "Response": "Svar",
    "All complaints": "Alle klager",
    "Where should it go?": "Hvor skal den hen?",
    "Anonymous": "Anonym",
    "Person code (if not anonymous)": "Personkode (hvis ikke anonym)",
    "Name or nickname to answer (if not anonymous)":
        "Navn eller kaldenavn at svare (hvis ikke anonym)",
    "Record the complaint": "Registrér klagen",
    "Overdue": "Over fristen",
    "Handled": "Behandlet",
    "Meetings": "Møder",
    "Users present": "Brugere til stede",
    "No meetings yet.": "Ingen møder endnu.",
    "Record a meeting": "Registrér et møde",
    "Save the meeting": "Gem mødet",
    "All meetings": "Alle møder",
    "Suggestions and criticism": "Forslag og kritik",
    "Suggestions, criticism and meetings": "Forslag, kritik og møder",
    "What is it?": "Hvad drejer det sig om?",
    "In the person's own words": "Med personens egne ord",
    "Person code (leave empty to keep it anonymous)": "Personkode (tom = anonym)",
    "Meeting time, if agreed": "Mødetidspunkt, hvis aftalt",
    "Record": "Registrér",
    "Recorded": "Registreret",
    "meeting": "møde",
    "Outcome of the meeting": "Resultat af mødet",
    "Save the response": "Gem svaret",
    "Waiting for the leader's response.": "Venter på lederens svar.",
    "Nothing recorded yet.": "Intet registreret endnu.",
    "Thank you. It is recorded for the leader.": "Tak. Det er registreret til lederen.",
    "The response is recorded.": "Svaret er registreret.",
    "The complaint is recorded. The answer is due within %(days)s days.":
        "Klagen er registreret. Den skal besvares inden for %(days)s dage.",
    "The complaint is updated.": "Klagen er opdateret.",
    "The meeting is recorded.": "Mødet er registreret.",
    "The meeting is updated.": "Mødet er opdateret.",
    "Exclude for the rest of the day": "Bortvis resten af dagen",
    "Exclude until midnight": "Bortvis til midnat",
    # msgctxt "complaint" (the naloxone "Route" is "Administrationsvej"):
    "Route": "Klagevej",
    "route": "klagevej",
}
