"""Finding a person fast at the door: search as you type over the folded alias.

Two keys per alias: the strict fold (ø→oe, å→aa, æ→ae) and the loose one (ø→o, å→a,
æ→a), because staff type Danish letters both ways. Ranking is the same on both databases:
exact match, then the alias starting with the typed word, then any prefix, then a later
word's prefix, then trigram similarity (pg_trgm's definition, so typos still find the
person); ties go to the most recent visit. On PostgreSQL GIN trigram indexes narrow the
candidates; on SQLite candidates are narrowed by birth year/gender and scored in Python.
"""

from dataclasses import dataclass
from datetime import UTC, datetime

from django.contrib.postgres.search import TrigramSimilarity
from django.db import connection
from django.db.models import Max, Q
from django.db.models.functions import Length

from stofrum.people.folding import fold, fold_loose
from stofrum.people.models import Person

SIMILARITY_THRESHOLD = 0.3
DUPLICATE_THRESHOLD = 0.6
SQL_SHORTLIST = 200
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


def score(query: str, alias: str) -> float:
    """How well one folded query matches one folded alias (higher is better)."""
    if not query or not alias:
        return 0.0
    if alias == query:
        return 3.0
    if alias.startswith(query + " "):
        return 2.5
    if alias.startswith(query):
        return 2.0 + len(query) / len(alias)
    if any(word.startswith(query) for word in alias.split()):
        return 1.5
    sim = similarity(query, alias)
    if query in alias:
        sim = max(sim, 0.5)
    return sim


def best_score(query_strict: str, query_loose: str, alias_folded: str, alias_loose: str):
    return max(score(query_strict, alias_folded), score(query_loose, alias_loose))


@dataclass
class Match:
    person: Person
    score: float


def _text_filter(strict: str, loose: str) -> Q:
    if connection.vendor == "postgresql":
        # The loose key alone narrows enough (ø/oe/o all fold to o there), and one
        # column keeps it to one GIN trigram index; `%` finds the typos.
        prefix = Q(alias_loose__startswith=loose) | Q(alias_loose__contains=f" {loose}")
        if len(loose) < 3:  # two typed letters mean a prefix; trigrams would match half
            return prefix
        return prefix | Q(alias_loose__trigram_similar=loose)
    q = Q()
    for column, value in (("alias_folded", strict), ("alias_loose", loose)):
        q |= Q(**{f"{column}__startswith": value}) | Q(**{f"{column}__contains": f" {value}"})
    return q


def _candidates(strict: str, loose: str, birth_year: int | None, gender: str | None):
    qs = Person.objects.active()
    if birth_year:
        qs = qs.filter(birth_year=birth_year)
    if gender:
        qs = qs.filter(gender=gender)
    if connection.vendor == "postgresql" or len(loose) < 3:
        return qs.filter(_text_filter(strict, loose))
    # SQLite has no trigram index: keep aliases sharing at least one inner trigram with
    # the query (a typo rarely spoils them all), then score those in Python.
    shared = Q()
    for gram in sorted(_inner_trigrams(strict) | _inner_trigrams(loose))[:12]:
        shared |= Q(alias_folded__contains=gram) | Q(alias_loose__contains=gram)
    return qs.filter(shared)


def _inner_trigrams(text: str) -> set[str]:
    return {word[i:i + 3] for word in text.split() for i in range(len(word) - 2)}


def _postgres_candidates(strict, loose, birth_year, gender, limit):
    """Prefix matches first (what typing a few letters means; the index answers them fast),
    shortest aliases first, cut to SQL_SHORTLIST; trigram matches for typos only when the
    prefixes leave room. Python then scores at most a few hundred rows."""
    base = Person.objects.active()
    if birth_year:
        base = base.filter(birth_year=birth_year)
    if gender:
        base = base.filter(gender=gender)
    fields = ("pk", "alias_folded", "alias_loose")
    prefix = (Q(alias_loose__startswith=loose) | Q(alias_loose__contains=f" {loose}")
              | Q(alias_folded__startswith=strict) | Q(alias_folded__contains=f" {strict}"))
    rows = list(base.filter(prefix).order_by(Length("alias_loose"))
                .values_list(*fields)[:SQL_SHORTLIST])
    if len(rows) < limit * 3 and len(loose) >= 3:
        seen = [pk for pk, *_ in rows]
        rows += list(
            base.filter(alias_loose__trigram_similar=loose).exclude(pk__in=seen)
            .annotate(sim=TrigramSimilarity("alias_loose", loose)).order_by("-sim")
            .values_list(*fields)[:SQL_SHORTLIST])
    return rows


def search(query: str, *, birth_year: int | None = None, gender: str | None = None,
           limit: int = 10) -> list[Match]:
    """Ranked persons whose alias matches `query` (case, æ/ae/a, ø/oe/o, å/aa/a and accents
    fold together; typos tolerated). Optional exact filters on birth year and gender."""
    strict, loose = fold(query), fold_loose(query)
    if not strict:
        return []
    if connection.vendor == "postgresql":
        rows = _postgres_candidates(strict, loose, birth_year, gender, limit)
    else:
        rows = _candidates(strict, loose, birth_year, gender).values_list(
            "pk", "alias_folded", "alias_loose")
    scored = [(pk, best_score(strict, loose, a, b)) for pk, a, b in rows]
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
        -round(item[1], 3), -(last_visit.get(item[0]) or _EPOCH).timestamp(), str(item[0])))
    top = shortlist[:limit]
    people = Person.objects.in_bulk([pk for pk, _ in top])
    return [Match(people[pk], s) for pk, s in top]


def find_duplicates(alias: str, birth_year: int, gender: str) -> list[Person]:
    """Registered persons near-identical to a new registration: same birth year (±1, people
    misremember), same gender, and an alias at least DUPLICATE_THRESHOLD similar."""
    strict, loose = fold(alias), fold_loose(alias)
    if not strict:
        return []
    rows = Person.objects.active().filter(
        birth_year__in=[birth_year - 1, birth_year, birth_year + 1], gender=gender
    ).values_list("pk", "alias_folded", "alias_loose")
    ids = [pk for pk, a, b in rows
           if a == strict or max(similarity(strict, a), similarity(loose, b))
           >= DUPLICATE_THRESHOLD]
    return list(Person.objects.filter(pk__in=ids).order_by("alias"))
