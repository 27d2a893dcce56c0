"""Use cases for sites."""

from django.db import IntegrityError, transaction
from django.utils import timezone

from stofrum.audit.services import record
from stofrum.errors import Conflict, NotFound
from stofrum.sites import seed
from stofrum.sites.models import Booth, HouseRules, IntakeMethod, OpeningHours, Site
from stofrum.staff.roles import Capability
from stofrum.text import LONG_TEXT_MAX, SHORT_TEXT_MAX, clean_text


@transaction.atomic
def seed_sites(actor=None) -> list[Site]:
    """Load the five Copenhagen sites and the intake methods, creating only what is missing.

    Idempotent: a second run changes nothing, and sites that already exist are left as the
    administrators have configured them. Emits `sites.site.seeded` per created site.
    Returns the sites it created.
    """
    methods = {}
    for data in seed.INTAKE_METHODS:
        methods[data["code"]], _ = IntakeMethod.objects.get_or_create(
            code=data["code"], defaults=data
        )
    created = []
    existing = set(Site.objects.values_list("slug", flat=True))
    for data in seed.SITES:
        if data["slug"] in existing:
            continue
        fields = {k: v for k, v in data.items() if k not in ("booths", "hours")}
        site = Site.objects.create(**fields)
        site.intake_methods.set(methods[code] for code in data["booths"])
        Booth.objects.bulk_create(
            Booth(site=site, method=methods[code], label=f"{methods[code].booth_prefix}{n}",
                  sort_order=n)
            for code, count in data["booths"].items()
            for n in range(1, count + 1)
        )
        OpeningHours.objects.bulk_create(
            OpeningHours(site=site, weekday=day, opens=opens, closes=closes)
            for day, opens, closes in data["hours"]
        )
        record(actor, "sites.site.seeded", site, site=site, summary=site.name)
        created.append(site)
    _seed_house_rules(actor)
    return created


def _seed_house_rules(actor) -> None:
    """Version 1 of the shared rules and of each seeded site's own, where none exist."""
    now = timezone.now()
    if not HouseRules.objects.filter(site__isnull=True).exists():
        HouseRules.objects.create(site=None, version=1, rules_da=seed.SHARED_RULES_DA,
                                  rules_en=seed.SHARED_RULES_EN, changed_at=now,
                                  change_note="seed")
    for site in Site.objects.filter(slug__in=seed.SITE_RULES).exclude(
            house_rules__isnull=False):
        da, en = seed.SITE_RULES[site.slug]
        HouseRules.objects.create(site=site, version=1, rules_da=da, rules_en=en,
                                  changed_at=now, change_note="seed")


def current_house_rules(site) -> list:
    """The rules a person at `site` must follow: the shared version, then the site's own
    (either may be missing)."""
    return [r for r in (HouseRules.objects.current_shared(),
                        HouseRules.objects.current_for(site) if site else None) if r]


def rule_lines(rule_sets) -> list[str]:
    """The rules of several versions (shared, then the site's) as one list, in the current
    language."""
    return [line for rules in rule_sets for line in rules.lines()]


def house_rules_label(rule_sets) -> str:
    """The versions shown, as recorded with a first-aid agreement: `shared:v1+h17:v2`."""
    return "+".join(r.label for r in rule_sets)


def change_house_rules(staff, site, *, rules_da: str, rules_en: str,
                       change_note: str = ""):
    """Publish a new version of the shared rules (`site` None: administrators) or of one
    site's own rules (its leaders, or administrators). Two editors at once cannot both
    become the same version: the database's unique constraint refuses the second
    (409 `rules_changed`).

    Refuses: (404) not allowed; (400) `text_required`, `text_too_long`.
    """
    allowed = (staff.can(Capability.RULES_EDIT, site) if site is not None
               else staff.sees_all_sites and staff.can(Capability.RULES_EDIT))
    if not allowed:
        raise NotFound()
    rules_da = clean_text(rules_da, "rules_da", max_length=LONG_TEXT_MAX, required=True)
    rules_en = clean_text(rules_en, "rules_en", max_length=LONG_TEXT_MAX, required=True)
    change_note = clean_text(change_note, "change_note", max_length=SHORT_TEXT_MAX)
    try:
        with transaction.atomic():
            previous = (HouseRules.objects.current_for(site) if site
                        else HouseRules.objects.current_shared())
            rules = HouseRules.objects.create(
                site=site, version=(previous.version + 1) if previous else 1,
                rules_da=rules_da, rules_en=rules_en, change_note=change_note,
                changed_at=timezone.now(), changed_by=staff)
            record(staff, "sites.house_rules_changed", rules, site=site,
                   summary=rules.label, changes={
                       "rules_da": [previous.rules_da if previous else "", rules_da],
                       "rules_en": [previous.rules_en if previous else "", rules_en]})
    except IntegrityError as exc:
        raise Conflict("rules_changed") from exc
    return rules
