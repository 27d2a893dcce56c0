"""Search quality at the door: a table of what staff type and whom they must find first."""

import pytest

from stofrum.people.folding import fold
from stofrum.people.search import find_duplicates, search, similarity

ALIASES = [
    "Søren", "Sørensen", "Bjørn", "Åse", "Ærlige Peter", "Mads", "Mette", "Morten",
    "Jens Peter", "Lille Jens", "Anne-Marie", "Annemette", "Kim", "Kimmie", "José",
    "Christian", "Kristian", "Mathilde", "Matthias", "Zlatan",
]


@pytest.fixture
def people(make_person):
    return {alias: make_person(alias=alias, agreement=False) for alias in ALIASES}


@pytest.mark.parametrize("typed, expected_first", [
    ("søren", "Søren"),
    ("soeren", "Søren"),      # ø typed as oe
    ("SØREN", "Søren"),       # case
    ("sor", "Søren"),         # ø typed as o: prefix after folding still close
    ("bjorn", "Bjørn"),
    ("bjoern", "Bjørn"),
    ("aase", "Åse"),          # å typed as aa
    ("åse", "Åse"),
    ("aerlige", "Ærlige Peter"),
    ("jose", "José"),         # accents
    ("mets", "Mette"),        # typo
    ("morton", "Morten"),     # typo
    ("kristain", "Kristian"), # transposition
    ("christain", "Christian"),
    ("mathilda", "Mathilde"),
    ("matias", "Matthias"),
    ("zlatn", "Zlatan"),      # missing letter
    ("jens", "Jens Peter"),   # prefix of the alias beats a later word
    ("lille", "Lille Jens"),
    ("anne", "Anne-Marie"),
    ("ki", "Kim"),            # two letters
    ("ma", "Mads"),
])
def test_the_right_person_comes_first(people, typed, expected_first):
    results = search(typed)
    assert results, f"nothing found for {typed!r}"
    assert results[0].person.alias == expected_first, [m.person.alias for m in results]


@pytest.mark.parametrize("typed, must_include", [
    ("mette", ["Mette", "Annemette"]),
    ("jens", ["Jens Peter", "Lille Jens"]),
    ("peter", ["Jens Peter", "Ærlige Peter"]),
    ("kim", ["Kim", "Kimmie"]),
])
def test_all_close_matches_are_listed(people, typed, must_include):
    found = [m.person.alias for m in search(typed)]
    assert set(must_include) <= set(found)


def test_unrelated_names_are_not_listed(people):
    assert "Zlatan" not in [m.person.alias for m in search("søren")]
    assert search("xq") == []
    assert search("   ") == []


def test_birth_year_and_gender_narrow_the_search(make_person):
    young = make_person(alias="Lone", birth_year=1995, gender="female")
    make_person(alias="Lone", birth_year=1970, gender="female")
    make_person(alias="Lone", birth_year=1995, gender="male")
    results = search("lone", birth_year=1995, gender="female")
    assert [m.person for m in results] == [young]


def test_merged_persons_are_not_found(make_person, door):
    from stofrum.people.services import merge_persons

    keep, dup = make_person(alias="Palle"), make_person(alias="Palle P")
    merge_persons(door, keep, dup)
    assert [m.person for m in search("palle")] == [keep]


def test_folding():
    assert fold("Søren Ålbæk") == "soeren aalbaek"
    assert fold("  José  María ") == "jose maria"
    assert fold("ANNE-MARIE") == "anne marie"


def test_similarity_is_symmetric_and_one_for_equal_strings():
    assert similarity("morten", "morten") == 1.0
    assert similarity("morten", "morton") == similarity("morton", "morten")
    assert similarity("abc", "") == 0.0


@pytest.mark.parametrize("alias, year, gender, is_duplicate", [
    ("Kim Hansen", 1980, "male", True),
    ("kim hanssen", 1980, "male", True),
    ("Kim Hansen", 1981, "male", True),    # a year off: people misremember
    ("Kim Hansen", 1983, "male", False),
    ("Kim Hansen", 1980, "female", False),
    ("Tim Larsen", 1980, "male", False),
])
def test_duplicate_detection(make_person, alias, year, gender, is_duplicate):
    make_person(alias="Kim Hansen", birth_year=1980, gender="male")
    assert bool(find_duplicates(alias, year, gender)) is is_duplicate
