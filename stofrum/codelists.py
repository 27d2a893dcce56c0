"""Code lists that staff may extend in the admin (substances, services, referral
targets): a stable code for the API and statistics, and a name in Danish and English."""

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class CodeListEntry(models.Model):
    code = models.SlugField(_("code"), max_length=40, unique=True)
    name_da = models.CharField(_("name (Danish)"), max_length=80)
    name_en = models.CharField(_("name (English)"), max_length=80)
    is_active = models.BooleanField(_("in use"), default=True)
    sort_order = models.PositiveSmallIntegerField(_("sort order"), default=0)

    class Meta:
        abstract = True
        ordering = ["sort_order", "code"]

    def __str__(self):
        return self.name

    @property
    def name(self) -> str:
        return self.name_en if get_language() == "en" else self.name_da


def seed_code_list(model, entries) -> None:
    """Create the entries (code, Danish, English) that are missing; never overwrite what
    staff have edited. For data migrations."""
    for order, (code, da, en) in enumerate(entries, start=1):
        model.objects.get_or_create(
            code=code, defaults={"name_da": da, "name_en": en, "sort_order": order})


class CodeListAdmin:
    """Admin options for a code list (mix in with AuditedAdminMixin and ModelAdmin)."""

    list_display = ["code", "name_da", "name_en", "is_active", "sort_order"]
    list_editable = ["is_active", "sort_order"]
