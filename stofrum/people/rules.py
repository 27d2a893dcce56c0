"""The age rule (DOMAIN.md §3): the rooms are for adults only. It belongs to persons, so
that registration, the first-aid agreement and check-in (stofrum/visits/rules.py) ask the
same function and refuse with the same code, `underage`."""

from datetime import date

from stofrum.errors import DomainError

ADULT_AGE = 18


def is_adult_born(birth_year: int, today: date) -> bool:
    """Birth year only: adult from 1 January of the year the person turns 18."""
    return today.year - birth_year >= ADULT_AGE


def is_adult(person, today: date) -> bool:
    return is_adult_born(person.birth_year, today)


def check_adult_born(birth_year: int, today: date) -> None:
    if not is_adult_born(birth_year, today):
        raise DomainError("underage")


def check_adult(person, today: date) -> None:
    check_adult_born(person.birth_year, today)
