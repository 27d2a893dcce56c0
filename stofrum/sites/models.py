from datetime import UTC, datetime, time, timedelta
from itertools import zip_longest

from django.db import models
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from stofrum.lookups import at_sites_of
from stofrum.sites.choices import SiteStatus, Weekday

DEFAULT_LEGAL_BASIS = "Bekendtgørelse om stofindtagelsesrum, BEK nr. 972 af 28/06/2016"


class IntakeMethod(models.Model):
    """How a drug is taken: injection, smoking (more may be configured)."""

    code = models.SlugField(_("code"), max_length=30, unique=True)
    name_da = models.CharField(_("name (Danish)"), max_length=60)
    name_en = models.CharField(_("name (English)"), max_length=60)
    booth_prefix = models.CharField(
        _("booth label prefix"), max_length=4, help_text=_("For example I for injection.")
    )
    sort_order = models.PositiveSmallIntegerField(_("sort order"), default=0)

    class Meta:
        ordering = ["sort_order", "code"]
        verbose_name = _("intake method")
        verbose_name_plural = _("intake methods")

    def __str__(self):
        return self.name

    @property
    def name(self) -> str:
        return self.name_en if get_language() == "en" else self.name_da


class SiteQuerySet(models.QuerySet):
    def for_staff(self, staff):
        """Sites this staff member may see: all for administrators, else memberships."""
        return at_sites_of(self, staff, "pk")

    def with_details(self):
        return self.prefetch_related("intake_methods", "booths__method", "opening_hours")


class Site(models.Model):
    """One supervised drug consumption room (stofindtagelsesrum)."""

    slug = models.SlugField(_("short name"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=120)
    street = models.CharField(_("street address"), max_length=120)
    postal_code = models.CharField(_("postal code"), max_length=4)
    city = models.CharField(_("city"), max_length=60)
    operator = models.CharField(_("run by"), max_length=120, blank=True)
    intake_methods = models.ManyToManyField(
        IntakeMethod, related_name="sites", verbose_name=_("intake methods")
    )
    women_only = models.BooleanField(_("women only"), default=False)
    status = models.CharField(
        _("status"), max_length=10, choices=SiteStatus.choices, default=SiteStatus.OPEN
    )
    opening_date = models.DateField(_("opening date"), null=True, blank=True)
    legal_basis = models.CharField(_("legal basis"), max_length=200, default=DEFAULT_LEGAL_BASIS)
    # Capacity toggle on the board: staff switch assisted intake off when they cannot give
    # it the heightened attention it needs right now (DOMAIN.md §4).
    assisted_intake_available = models.BooleanField(
        _("assisted intake possible right now"), default=True
    )
    sort_order = models.PositiveSmallIntegerField(_("sort order"), default=0)

    objects = SiteQuerySet.as_manager()

    class Meta:
        ordering = ["sort_order", "name"]
        verbose_name = _("site")
        verbose_name_plural = _("sites")

    def __str__(self):
        return self.name

    @property
    def address(self) -> str:
        return f"{self.street}, {self.postal_code} {self.city}"

    def booth_counts(self) -> dict[str, int]:
        """Active booths per intake method code, for every method the site offers."""
        counts = {m.code: 0 for m in self.intake_methods.all()}
        for booth in self.booths.all():
            if booth.is_active:
                counts[booth.method.code] = counts.get(booth.method.code, 0) + 1
        return counts

    def booth_summary(self) -> list[tuple["IntakeMethod", int]]:
        """(intake method, active booths) for each method the site offers."""
        counts = self.booth_counts()
        return [(m, counts.get(m.code, 0)) for m in self.intake_methods.all()]

    def is_open_at(self, moment: datetime) -> bool:
        """Whether the site is in operation and within its opening hours at `moment`."""
        if self.status != SiteStatus.OPEN:
            return False
        local = timezone.localtime(moment)
        return any(h.covers(local) for h in self.opening_hours.all())

    def is_open_now(self) -> bool:
        return self.is_open_at(timezone.now())

    def shown_opening_date(self, today=None):
        """The opening date worth telling the public: a planned site's only while it is
        still ahead (a passed one is stale: "date not yet set"); an open site's as is."""
        if self.status == SiteStatus.PLANNED:
            today = today or timezone.localdate()
            return self.opening_date if self.opening_date and self.opening_date > today \
                else None
        return self.opening_date

    @property
    def planned_opening(self):
        return self.shown_opening_date() if self.status == SiteStatus.PLANNED else None

    def day_ends_at(self, moment: datetime) -> datetime:
        """When the site's day that includes `moment` ends: the closing time of its last
        opening period that begins before the next day boundary (STOFRUM_DAY_BOUNDARY), which
        may be after midnight; but never later than that boundary, so a room open across it
        (around the clock) starts a new day there. "Excluded for the rest of the day" lasts
        until this moment, and check-in refuses until then (conduct)."""
        from django.conf import settings

        tz = timezone.get_current_timezone()
        local = timezone.localtime(moment, tz)
        boundary = datetime.combine(local.date(), settings.STOFRUM_DAY_BOUNDARY, tzinfo=tz)
        if boundary <= local:
            boundary = datetime.combine(local.date() + timedelta(days=1),
                                        settings.STOFRUM_DAY_BOUNDARY, tzinfo=tz)
        boundary = boundary.astimezone(UTC)
        end = moment
        if self.status == SiteStatus.OPEN:
            for start, close in self._opening_spans(local.date() - timedelta(days=1),
                                                    boundary.date()):
                if start < boundary and close > moment:
                    end = max(end, close)
        return boundary if end == moment else min(end, boundary)

    def _opening_spans(self, first_day, last_day):
        """(opens, closes) as aware moments for each opening period starting on a day
        from `first_day` to `last_day`."""
        tz = timezone.get_current_timezone()
        day = first_day
        while day <= last_day:
            for h in self.opening_hours.all():
                if h.weekday != day.weekday():
                    continue
                start = datetime.combine(day, h.opens, tzinfo=tz)
                close = datetime.combine(day, h.closes, tzinfo=tz)
                if close <= start:
                    close = datetime.combine(day + timedelta(days=1), h.closes, tzinfo=tz)
                yield start.astimezone(UTC), close.astimezone(UTC)
            day += timedelta(days=1)


class Booth(models.Model):
    """One supervised place for injection or smoking (plads / bås)."""

    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="booths")
    method = models.ForeignKey(
        IntakeMethod, on_delete=models.PROTECT, related_name="booths",
        verbose_name=_("intake method"),
    )
    label = models.CharField(_("label"), max_length=20)
    is_active = models.BooleanField(_("in use"), default=True)
    sort_order = models.PositiveSmallIntegerField(_("sort order"), default=0)
    # Set while the booth is being cleaned after a visit; cleared when it is ready again.
    cleaning_since = models.DateTimeField(_("being cleaned since"), null=True, blank=True)

    class Meta:
        ordering = ["site", "method__sort_order", "sort_order", "label"]
        verbose_name = _("booth")
        verbose_name_plural = _("booths")
        constraints = [
            models.UniqueConstraint(fields=["site", "label"], name="booth_label_unique_per_site")
        ]

    def __str__(self):
        return f"{self.site.slug} {self.label}"


class OpeningHours(models.Model):
    """Opening hours for one weekday. A closing time at or before the opening time runs
    past midnight; 00:00–00:00 means open all day."""

    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="opening_hours")
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices)
    opens = models.TimeField(_("opens"))
    closes = models.TimeField(_("closes"))

    class Meta:
        ordering = ["site", "weekday", "opens"]
        verbose_name = _("opening hours")
        verbose_name_plural = _("opening hours")
        constraints = [
            models.UniqueConstraint(
                fields=["site", "weekday", "opens"], name="opening_hours_unique_start"
            )
        ]

    def __str__(self):
        return f"{self.get_weekday_display()} {self.opens:%H:%M}–{self.closes:%H:%M}"

    @property
    def all_day(self) -> bool:
        return self.opens == self.closes == time(0, 0)

    def covers(self, local: datetime) -> bool:
        """Whether these hours include the local (Copenhagen) time `local`."""
        start = datetime.combine(local.date(), self.opens, tzinfo=local.tzinfo)
        for day_shift in (0, -1):  # a span that started yesterday may run past midnight
            span_start = start + timedelta(days=day_shift)
            if span_start.weekday() != self.weekday:
                continue
            end = datetime.combine(span_start.date(), self.closes, tzinfo=local.tzinfo)
            if end <= span_start:
                end += timedelta(days=1)
            if span_start <= local < end:
                return True
        return False


class HouseRulesQuerySet(models.QuerySet):
    def current_shared(self):
        return self.filter(site__isnull=True).order_by("-version").first()

    def current_for(self, site):
        return self.filter(site=site).order_by("-version").first()


class HouseRules(models.Model):
    """One version of the house rules (ordensregler): the rules shared by all rooms
    (no site) or one room's own. A change is a new version; old ones stay, so what a
    person was shown can always be read again."""

    site = models.ForeignKey(Site, on_delete=models.PROTECT, null=True, blank=True,
                             related_name="house_rules")
    version = models.PositiveIntegerField(_("version"))
    rules_da = models.TextField(_("rules (Danish), one per line"))
    rules_en = models.TextField(_("rules (English), one per line"))
    change_note = models.CharField(_("what changed"), max_length=200, blank=True)
    changed_at = models.DateTimeField(_("changed at"))
    changed_by = models.ForeignKey("staff.StaffMember", on_delete=models.PROTECT, null=True,
                                   blank=True, related_name="+")

    objects = HouseRulesQuerySet.as_manager()

    class Meta:
        ordering = ["site", "-version"]
        verbose_name = _("house rules")
        verbose_name_plural = _("house rules")
        constraints = [
            models.UniqueConstraint(fields=["version"], condition=models.Q(site__isnull=True),
                                    name="house_rules_shared_version_unique"),
            models.UniqueConstraint(fields=["site", "version"],
                                    condition=models.Q(site__isnull=False),
                                    name="house_rules_site_version_unique"),
        ]

    def __str__(self):
        return f"{self.scope} v{self.version}"

    @property
    def scope(self) -> str:
        return self.site.slug if self.site_id else "shared"

    @property
    def label(self) -> str:
        """How the version is recorded with a first-aid agreement, e.g. `h17:v2`."""
        return f"{self.scope}:v{self.version}"

    def lines(self, language: str | None = None) -> list[str]:
        text = self.rules_en if (language or get_language()) == "en" else self.rules_da
        return [line.strip() for line in text.splitlines() if line.strip()]

    def pairs(self) -> list[tuple[str, str]]:
        """(Danish, English) rule by rule, paired by line number; "" where one language
        has fewer lines than the other."""
        return list(zip_longest(self.lines("da"), self.lines("en"), fillvalue=""))

    @property
    def line_counts_differ(self) -> bool:
        return len(self.lines("da")) != len(self.lines("en"))
