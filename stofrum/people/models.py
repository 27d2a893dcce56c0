import secrets
import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from stofrum.people import municipalities
from stofrum.people.choices import Gender
from stofrum.people.folding import fold, fold_loose

# No 0/O, 1/I/L: codes are read aloud and typed at the door.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 6
# What an anonymised person's alias becomes (`manage.py apply_retention`): the same for
# everyone, and never in the search keys, so it finds no one.
ANONYMISED_ALIAS = "anonymiseret"


def new_person_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


class PersonQuerySet(models.QuerySet):
    def active(self):
        return self.filter(merged_into__isnull=True)


class Person(models.Model):
    """A registered user of the rooms: alias, birth year, gender, home municipality and a
    random code. Nothing else about the person is ever stored (DOMAIN.md §6)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    code = models.CharField(_("person code"), max_length=12, unique=True, default=new_person_code)
    alias = models.CharField(_("name or nickname"), max_length=80)
    alias_folded = models.CharField(max_length=120, db_index=True, editable=False)
    alias_loose = models.CharField(max_length=120, editable=False, default="")
    birth_year = models.PositiveSmallIntegerField(_("birth year"))
    gender = models.CharField(_("gender"), max_length=10, choices=Gender.choices)
    municipality = models.CharField(_("home municipality"), max_length=20)
    created_at = models.DateTimeField(_("registered"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_site = models.ForeignKey(
        "sites.Site", on_delete=models.PROTECT, null=True, related_name="+"
    )
    merged_into = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="merged_from"
    )
    # Set when apply_retention anonymised the person after STOFRUM_INACTIVE_YEARS without
    # activity: the alias is replaced, the links (and so the statistics) stay.
    anonymised_at = models.DateTimeField(_("anonymised"), null=True, blank=True,
                                         editable=False)

    objects = PersonQuerySet.as_manager()

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("persons")
        indexes = [models.Index(fields=["birth_year", "gender"])]

    def __str__(self):
        return f"{self.alias} ({self.code})"

    def save(self, *args, **kwargs):
        indexed = "" if self.is_anonymised else self.alias
        self.alias_folded = fold(indexed)
        self.alias_loose = fold_loose(indexed)
        super().save(*args, **kwargs)

    @property
    def is_anonymised(self) -> bool:
        return self.anonymised_at is not None and self.alias == ANONYMISED_ALIAS

    @property
    def municipality_label(self) -> str:
        from django.utils.translation import get_language

        return municipalities.label(self.municipality, get_language() or "da")

    def age_in(self, year: int) -> int:
        """Age reached during `year` (birth year only is known)."""
        return year - self.birth_year


class FirstAidAgreement(models.Model):
    """The signed agreement that staff may give first aid in acute situations (§6)."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="agreements")
    site = models.ForeignKey("sites.Site", on_delete=models.PROTECT, related_name="+")
    signed_at = models.DateTimeField(_("signed"), auto_now_add=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    # The drawn signature as a PNG data URL, as the person signed on the screen.
    signature = models.TextField(_("signature"), blank=True)
    house_rules_shown = models.BooleanField(_("house rules shown"), default=False)
    house_rules_version = models.CharField(max_length=40, blank=True)

    class Meta:
        ordering = ["-signed_at"]
        verbose_name = _("first-aid agreement")
        verbose_name_plural = _("first-aid agreements")

    def __str__(self):
        return f"{self.person.code} {self.signed_at:%Y-%m-%d}"
