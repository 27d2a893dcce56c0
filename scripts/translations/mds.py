# Danish for issue 14's open minimum data set (the page "Nøgletal");
# scripts/fill-po reads DA.
DA = {
    "Key figures": "Nøgletal",
    "Key figures for": "Nøgletal for",
    "Month": "Måned",
    "Previous month": "Forrige måned",
    "Next month": "Næste måned",
    "Figure": "Tal",
    "Published": "Udgivet",
    "Unit": "Enhed",
    "none": "ingen",
    "check-ins": "tjek-ind",
    "look-ins": "tilsyn",
    "alerts": "advarsler",
    "overdue periods": "overskridelser",
    "whole minutes": "hele minutter",
    "Health Canada's nine monthly indicators": "Health Canadas ni månedlige indikatorer",
    "The door and the queue": "Døren og køen",
    "Booth watch and drug alerts": "Tilsyn i båsene og stofadvarsler",
    "The open minimum data set of the month. \"Published\" is the figure as it may leave the "
    "municipality: counts below %(n)s (0 included), and the counts that would reveal them, "
    "are shown as \"..\".":
        "Månedens åbne minimumsdatasæt. \"Udgivet\" er tallet, som det må forlade kommunen: "
        "tal under %(n)s (også 0) og de tal, der ville afsløre dem, vises som \"..\".",
    "The month has not ended: these are the figures so far, and nothing of it is published "
    "yet.":
        "Måneden er ikke slut: det er tallene indtil nu, og intet af den er udgivet endnu.",
    "Defined in the data set but not recorded here yet":
        "Defineret i datasættet, men endnu ikke registreret her",
}
