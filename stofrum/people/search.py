"""Finding a person fast at the door: search as you type over the folded alias.

Ranking is the same on both databases: exact match, then prefix of the alias, then prefix
of a word in it, then trigram similarity (pg_trgm's definition, so typos still find the
person), ties broken by the most recent visit. On PostgreSQL a pg_trgm GIN index narrows
the candidates; on SQLite candidates are narrowed by birth year/gender and scored in Python.
"""

from dataclasses import dataclass
from datetime import UTC, datetime

from django.db import connection
from django.db.models import Max, Q

from stofrum.people.folding import fold
from stofrum.people.models import Person

SIMILARITY_THRESHOLD = 0.3
DUPLICATE_THRESHOLD = 0.6
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def trigrams(text: str) -> set[str]:
    """Trigrams as pg_trgm makes them: per word, padded with two spaces before, one after."""
    grams = set()
    for word in text.split():
        padded = f"  {word} "
        grams.update(padded[i:i + 3] for i in range(len(padded) - 2))
    return grams


def similarity(a: str, b: str) -> float:
    ta, tb = trigrams(a), trigrams(b)
    if not ta or not tb:
        return 0.0
    return len(ta & tb) / len(ta | tb)


def score(query: str, alias_folded: str) -> float:
    if not query:
        return 0.0
    if alias_folded == query:
        return 3.0
    if alias_folded.startswith(query):
        return 2.0 + len(query) / max(len(alias_folded), 1)
    if any(word.startswith(query) for word in alias_folded.split()):
        return 1.5
    sim = similarity(query, alias_folded)
    if query in alias_folded:
        sim = max(sim, 0.5)
    return sim


@dataclass
class Match:
    person: Person
    score: float


def _candidates(query: str, birth_year: int | None, gender: str | None):
    qs = Person.objects.active()
    if birth_year:
        qs = qs.filter(birth_year=birth_year)
    if gender:
        qs = qs.filter(gender=gender)
    if connection.vendor == "postgresql":
        # `%` uses the GIN trigram index; LIKE covers short prefixes the trigrams miss.
        qs = qs.filter(
            Q(alias_folded__trigram_similar=query)
            | Q(alias_folded__startswith=query)
            | Q(alias_folded__contains=f" {query}")
        )
    elif len(query) < 3:
        qs = qs.filter(
            Q(alias_folded__startswith=query) | Q(alias_folded__contains=f" {query}")
        )
    return qs


def search(query: str, *, birth_year: int | None = None, gender: str | None = None,
           limit: int = 10) -> list[Match]:
    """Ranked persons whose alias matches `query` (folded: case, æ/ae, ø/oe, å/aa, accents),
    with typos tolerated. Optional exact filters on birth year and gender."""
    folded = fold(query)
    if not folded:
        return []
    rows = list(
        _candidates(folded, birth_year, gender)
        .values_list("pk", "alias_folded")
    )
    scored = [(pk, score(folded, alias)) for pk, alias in rows]
    scored = [(pk, s) for pk, s in scored if s >= SIMILARITY_THRESHOLD]
    if not scored:
        return []
    scored.sort(key=lambda item: -item[1])
    shortlist = scored[: limit * 3]
    last_visit = dict(
        Person.objects.filter(pk__in=[pk for pk, _ in shortlist])
        .annotate(last=Max("visits__checked_in_at")).values_list("pk", "last")
    )
    shortlist.sort(key=lambda item: (
        -round(item[1], 3), -(last_visit.get(item[0]) or _EPOCH).timestamp(), item[0]))
    top = shortlist[:limit]
    people = Person.objects.in_bulk([pk for pk, _ in top])
    return [Match(people[pk], s) for pk, s in top]


def find_duplicates(alias: str, birth_year: int, gender: str) -> list[Person]:
    """Registered persons near-identical to a new registration: same birth year (±1, people
    misremember), same gender, and an alias at least DUPLICATE_THRESHOLD similar."""
    folded = fold(alias)
    if not folded:
        return []
    rows = Person.objects.active().filter(
        birth_year__in=[birth_year - 1, birth_year, birth_year + 1], gender=gender
    ).values_list("pk", "alias_folded")
    ids = [pk for pk, other in rows
           if other == folded or similarity(folded, other) >= DUPLICATE_THRESHOLD]
    return list(Person.objects.filter(pk__in=ids).order_by("alias"))

