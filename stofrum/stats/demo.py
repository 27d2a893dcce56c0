"""Realistic synthetic data for demos and benchmarks — no real people.

Persons with plausible alias, birth-year, gender and municipality mixes; visits following
the rhythm of a room (quiet mornings, busy afternoons and evenings, more on Fridays and
around pay day, the last weekday of the month); booths and queues simulated per site and
intake method, so waits, people giving up and occupancy come out of the simulation;
substance and method mixes per site (Reden is for women, Sundholm and the mobile room
offer injection only); assisted intakes, incidents with interventions and outcomes at
realistic rates, services, referrals, quarantines, refused check-ins, complaints and
suggestions. Deterministic for a given seed and end date.
"""

import heapq
import random
import uuid
from bisect import bisect_left
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from django.db import transaction

from stofrum.care.models import Referral, ReferralTarget, Service, ServiceKind
from stofrum.conduct.models import Quarantine
from stofrum.health.models import Incident, Intervention
from stofrum.people.folding import fold, fold_loose
from stofrum.people.models import CODE_ALPHABET, FirstAidAgreement, Person
from stofrum.sites.models import Booth, Site
from stofrum.stats import bulk
from stofrum.stats.summaries import copenhagen, rebuild
from stofrum.visits.models import RefusedCheckIn, Substance, Visit
from stofrum.visits.services import fill_free_booths
from stofrum.voice.models import Complaint, Suggestion

FIRST = ["Søren", "Mette", "Bjørn", "Kim", "Jens", "Anne", "Lars", "Palle", "Åse", "Ole",
         "Hans", "Karin", "Lone", "Mads", "Peter", "Jørgen", "Birthe", "Torben", "Henrik",
         "Susanne", "Allan", "Dorthe", "Brian", "Tina", "René", "Jesper", "Lise", "Ib",
         "Gitte", "Michael", "Camilla", "Dennis", "Jannie", "Kenneth", "Pia", "Rasmus"]
NICK = ["", "", "", "", "Lille ", "Store ", "Gamle ", "Røde ", "Sorte ", "Skæve "]
LAST = ["", "", "", "Hansen", "Jensen", "Nielsen", "Sørensen", "Kristensen", "Thomsen",
        "P.", "fra Vesterbro", "K", "Møller", "fra Nørrebro", "Ø"]
FEMALE = {"Mette", "Anne", "Åse", "Karin", "Lone", "Birthe", "Susanne", "Dorthe", "Tina",
          "Lise", "Gitte", "Camilla", "Jannie", "Pia"}
MUNICIPALITIES = [("101", 68), ("147", 8), ("167", 3), ("175", 2), ("185", 2), ("159", 2),
                  ("157", 1), ("153", 1), ("751", 1), ("461", 1), ("no_fixed_address", 7),
                  ("abroad", 3), ("unknown", 1)]
# Visits per day at an average day, by site; the mix of intake methods.
VOLUME = {"h17": 0.37, "skyen": 0.24, "reden": 0.12, "sundholm": 0.17, "mobile": 0.10}
SMOKING_SHARE = 0.3
# Arrivals by hour of the day (quiet morning, busy afternoon and evening).
HOURS = [2, 1, 1, 1, 1, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 10, 10, 10, 9, 8, 7, 5, 4, 3]
WEEKDAY = [0.95, 0.95, 1.0, 1.0, 1.15, 1.1, 0.9]
INJECTION = [(("heroin",), 40), (("cocaine",), 20), (("heroin", "cocaine"), 15),
             (("amphetamine",), 5), (("methadone",), 4), (("morphine",), 3),
             (("ketobemidone",), 2), (("buprenorphine",), 2), (("fentanyl",), 1),
             (("benzodiazepines", "heroin"), 3), (("other",), 3), (("mixed",), 2)]
SMOKING = [(("crack",), 35), (("heroin",), 30), (("cocaine",), 15), (("amphetamine",), 9),
           (("methamphetamine",), 5), (("mixed",), 6)]
INCIDENTS = [("overdose_opioid", 60), ("overdose_stimulant", 14), ("overdose_other", 5),
             ("seizure", 8), ("bleeding", 6), ("allergic_reaction", 2), ("other", 5)]
OUTCOMES = [("recovered_on_site", 84), ("hospital", 11), ("left_against_advice", 4),
            ("other", 1)]
SERVICES = [("observation", 20), ("wound_care", 14), ("advice_drugs", 14),
            ("injection_guidance", 10), ("conversation", 14), ("advice_risk", 8),
            ("doctor_assessment", 5), ("eye_rinse", 2), ("first_aid", 4),
            ("advice_withdrawal", 4), ("bridge_guidance", 4), ("other", 1)]
TARGETS = [("health_clinic", 18), ("drug_treatment", 18), ("gp", 12), ("emergency_housing",
           12), ("hospital", 6), ("psychiatry", 7), ("psychosocial_support", 8),
           ("housing_allocation", 7), ("emergency_room", 4), ("home_care", 2),
           ("employment", 3), ("other", 3)]
REFUSALS = [("site_closed", 25), ("already_checked_in", 20), ("quarantined", 15),
            ("no_first_aid_agreement", 10), ("substance_not_allowed", 12),
            ("site_women_only", 6), ("method_not_offered", 6), ("underage", 3),
            ("invalid_assistant", 3)]
RATES = {"incident": 1 / 650, "service": 0.12, "referral": 1 / 160, "assisted": 0.015,
         "refused": 0.02, "quarantine": 1 / 2500, "exclusion": 1 / 1500,
         "complaint": 1 / 4000, "suggestion": 1 / 2500}
GIVE_UP_AFTER = 40  # minutes in the queue after which half the people leave


def _weighted(rng, table):
    values, weights = zip(*table, strict=True)
    return rng.choices(values, weights)[0]


@dataclass
class Totals:
    persons: int = 0
    visits: int = 0
    incidents: int = 0
    services: int = 0
    referrals: int = 0
    extra: dict = field(default_factory=dict)


def _aware(day: date, minute: float) -> datetime:
    local = datetime.combine(day, time(0), tzinfo=copenhagen()) + timedelta(minutes=minute)
    return local.astimezone(UTC)


def _payday_factor(day: date) -> float:
    """More visits on the last weekday of the month (pay day) and the two days after."""
    last = (day.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
    while last.weekday() >= 5:
        last -= timedelta(days=1)
    distance = (day - last).days
    return 1.35 if 0 <= distance <= 2 else 1.0


class Generator:
    def __init__(self, *, persons: int, days: int, visits_per_day: int, seed: int,
                 end: date, staff):
        self.rng = random.Random(seed)
        self.n_persons, self.days, self.per_day = persons, days, visits_per_day
        self.end, self.start = end, end - timedelta(days=days - 1)
        self.staff = staff
        self.totals = Totals()

    # --- persons -----------------------------------------------------------------------

    def make_persons(self):
        rng = self.rng
        sites = list(Site.objects.order_by("sort_order", "pk"))
        codes, rows, agreements = set(Person.objects.values_list("code", flat=True)), [], []
        first_day = datetime.combine(self.start - timedelta(days=400), time(9), tzinfo=UTC)
        span = (self.end - self.start).days + 400
        self.persons = []
        for i in range(self.n_persons):
            code = "".join(rng.choice(CODE_ALPHABET) for _ in range(6))
            while code in codes:
                code = "".join(rng.choice(CODE_ALPHABET) for _ in range(6))
            codes.add(code)
            r = rng.random()
            gender = "female" if r < 0.26 else "other" if r < 0.28 else "male"
            name = rng.choice(sorted(FEMALE) if gender == "female" else FIRST)
            alias = f"{rng.choice(NICK)}{name} {rng.choice(LAST)}".strip()
            # Most people already came before the period; the rest are new in it.
            created = first_day + timedelta(days=rng.uniform(0, 400) if i % 5 else
                                            rng.uniform(400, span), minutes=rng.randint(0, 600))
            birth_year = min(int(rng.gauss(1978, 10)), self.start.year - 18 - (
                (self.end - self.start).days // 365))
            site = rng.choice(sites)
            pid = uuid.UUID(int=rng.getrandbits(128), version=4)
            rows.append((pid, code, alias, fold(alias), fold_loose(alias), birth_year, gender,
                         _weighted(rng, MUNICIPALITIES), created, self.staff.pk, site.pk))
            agreements.append((pid, site.pk, created, self.staff.pk, "", True, "shared:v1"))
            # The heavy users come often: a weight per person.
            self.persons.append((pid, gender, created, rng.lognormvariate(0, 1.0)))
        bulk.load(Person, ["id", "code", "alias", "alias_folded", "alias_loose", "birth_year",
                           "gender", "municipality", "created_at", "created_by",
                           "created_site"], rows)
        bulk.load(FirstAidAgreement, ["person", "site", "signed_at", "recorded_by",
                                      "signature", "house_rules_shown",
                                      "house_rules_version"], agreements)
        self.persons.sort(key=lambda p: p[2])
        self.totals.persons = len(rows)

    def _pool(self, women_only: bool):
        people = [p for p in self.persons if not women_only or p[1] == "female"]
        weights, total = [], 0.0
        for p in people:
            total += p[3]
            weights.append(total)
        return people, weights

    # --- visits ------------------------------------------------------------------------

    def make_visits(self, chunk_days: int = 30):
        self.sites = list(Site.objects.prefetch_related("intake_methods", "opening_hours"))
        self.hours_cache, self.open_persons = {}, set()
        self.booths = {}
        for booth in Booth.objects.filter(is_active=True).select_related("method"):
            self.booths.setdefault((booth.site_id, booth.method.code), []).append(booth)
        self.methods = {m.code: m for s in self.sites for m in s.intake_methods.all()}
        self.substances = {s.code: s.pk for s in Substance.objects.all()}
        self.pools = {s.pk: self._pool(s.women_only) for s in self.sites}
        self.service_kinds = {k.code: k.pk for k in ServiceKind.objects.all()}
        self.targets = {t.code: t.pk for t in ReferralTarget.objects.all()}
        day = self.start
        while day <= self.end:
            last = min(day + timedelta(days=chunk_days - 1), self.end)
            with transaction.atomic():
                self._chunk(day, last)
            day = last + timedelta(days=1)
        for site in self.sites:  # visits still queued get the booths that are free now
            fill_free_booths(site)
        rebuild([s.pk for s in self.sites], self.start, self.end)

    def _chunk(self, first: date, last: date):
        rng = self.rng
        out = {name: [] for name in ("visits", "substances", "incidents", "interventions",
                                     "services", "referrals", "refused", "quarantines",
                                     "quarantine_sites", "complaints", "suggestions")}
        day = first
        now = datetime.now(UTC)
        while day <= last:
            for site in self.sites:
                mean = (self.per_day * VOLUME.get(site.slug, 0.1) * WEEKDAY[day.weekday()]
                        * _payday_factor(day))
                count = max(0, int(rng.gauss(mean, mean ** 0.5)))
                methods = [m.code for m in site.intake_methods.all()]
                for method in methods:
                    share = (SMOKING_SHARE if method == "smoking" else
                             1 - SMOKING_SHARE if "smoking" in methods else 1.0)
                    self._site_day(site, method, day, int(count * share), out, now)
            day += timedelta(days=1)
        self._write(out)

    def _site_day(self, site, method, day, count, out, now):
        rng = self.rng
        booths = self.booths.get((site.pk, method), [])
        if not booths or not count:
            return
        hours = self._open_hours(site, day)
        if not hours:
            return
        arrivals = sorted(rng.choices(hours, [HOURS[h] for h in hours], k=count))
        free = [(0.0, b.pk) for b in booths]  # (minute free again, booth id)
        heapq.heapify(free)
        people, weights = self.pools[site.pk]
        mix = SMOKING if method == "smoking" else INJECTION
        for hour in arrivals:
            arrive = hour * 60 + rng.uniform(0, 60)
            checked_in = _aware(day, arrive)
            if checked_in > now:
                continue
            # Only persons registered before this visit: the pool is sorted by that date.
            person = None
            for _ in range(4):
                candidate = people[self._pick(weights)]
                if candidate[2] <= checked_in:
                    person = candidate
                    break
            if person is None:
                continue
            ready, booth_id = free[0]
            wait = max(0.0, ready - arrive)
            vid = uuid.UUID(int=rng.getrandbits(128), version=4)
            if wait > GIVE_UP_AFTER and rng.random() < 0.5:
                left = _aware(day, arrive + GIVE_UP_AFTER + rng.uniform(0, 20))
                if left > now:  # still waiting right now
                    self._open(out, vid, person[0], site, method, "queued", None, checked_in)
                    continue
                out["visits"].append((vid, person[0], site.pk, self.methods[method].pk,
                                      "left_queue", None, checked_in, None, left,
                                      self.staff.pk, None, "", None, None))
                continue
            heapq.heappop(free)
            start = arrive + wait
            minutes = rng.uniform(12, 35)
            heapq.heappush(free, (start + minutes + rng.uniform(2, 6), booth_id))
            assisted = None
            if rng.random() < RATES["assisted"]:
                helper = people[self._pick(weights)]
                if helper[0] != person[0] and helper[2] <= checked_in:
                    assisted = helper[0]
            booth_at, ended = _aware(day, start), _aware(day, start + minutes)
            if ended > now:  # in a booth, or still in the queue, right now
                if booth_at <= now:
                    self._open(out, vid, person[0], site, method, "in_booth", booth_id,
                               checked_in, booth_at)
                else:
                    self._open(out, vid, person[0], site, method, "queued", None, checked_in)
                continue
            out["visits"].append((
                vid, person[0], site.pk, self.methods[method].pk, "done", booth_id,
                checked_in, booth_at, ended, self.staff.pk, assisted,
                "Kan ikke selv; hjælper er rolig og klar." if assisted else "",
                self.staff.pk if assisted else None, booth_at if assisted else None))
            for code in _weighted(rng, mix):
                out["substances"].append((vid, self.substances[code]))
            self._around_visit(site, vid, person[0], booth_id, booth_at, ended, out)

    def _open_hours(self, site, day: date) -> list[int]:
        """The hours of `day` the site is open by its opening hours."""
        key = (site.pk, day.weekday())
        if key not in self.hours_cache:
            spans = list(site.opening_hours.all())
            self.hours_cache[key] = [
                h for h in range(24)
                if any(span.covers(datetime.combine(day, time(h, 30), tzinfo=copenhagen()))
                       for span in spans)]
        return self.hours_cache[key]

    def _open(self, out, vid, pid, site, method, state, booth_id, checked_in, booth_at=None):
        """A visit still going on when the data is loaded, so the board has life in it:
        at most one per person (the database allows no more)."""
        if pid in self.open_persons:
            return
        self.open_persons.add(pid)
        out["visits"].append((vid, pid, site.pk, self.methods[method].pk, state, booth_id,
                              checked_in, booth_at, None, self.staff.pk, None, "", None, None))
        out["substances"].append((vid, self.substances["heroin" if method == "injection"
                                                       else "crack"]))

    def _pick(self, cumulative) -> int:
        return min(bisect_left(cumulative, self.rng.uniform(0, cumulative[-1])),
                   len(cumulative) - 1)

    def _around_visit(self, site, vid, pid, booth_id, booth_at, ended, out):
        rng = self.rng
        if rng.random() < RATES["service"]:
            out["services"].append((site.pk, self.service_kinds[_weighted(rng, SERVICES)], pid,
                                    vid, "", ended, self.staff.pk))
        if rng.random() < RATES["referral"]:
            status = rng.choices(["suggested", "contacted", "appointment", "attended",
                                  "not_attended", "declined"], [15, 15, 10, 35, 15, 10])[0]
            closed = ended + timedelta(days=rng.randint(3, 30)) if status in (
                "attended", "not_attended", "declined") else None
            out["referrals"].append((site.pk, pid, vid, self.targets[_weighted(rng, TARGETS)],
                                     status, "", "", (ended + timedelta(days=7)).date(),
                                     ended, self.staff.pk, closed or ended, closed))
        if rng.random() < RATES["refused"]:
            out["refused"].append((site.pk, _weighted(rng, REFUSALS), booth_at, "", "",
                                   self.staff.pk))
        if rng.random() < RATES["incident"]:
            self._incident(site, vid, pid, booth_id, booth_at, out)
        if rng.random() < RATES["quarantine"] + RATES["exclusion"]:
            exclusion = rng.random() < RATES["exclusion"] / (RATES["quarantine"]
                                                             + RATES["exclusion"])
            day = ended.astimezone(copenhagen()).date()
            all_sites = not exclusion and rng.random() < 0.3
            qid = len(out["quarantines"])
            # An exclusion lasts until the site's day ends (conduct's rule).
            ends_at = site.day_ends_at(ended) if exclusion else None
            last_day = (ends_at - timedelta(microseconds=1)).astimezone(copenhagen()).date() \
                if exclusion else day + timedelta(days=rng.choice([7, 14, 30, 60]))
            out["quarantines"].append((
                "day_exclusion" if exclusion else "quarantine", pid, all_sites, day, last_day,
                "Vold mod personalet" if not exclusion else "Salg af stoffer i venterummet",
                self.staff.pk, ended, ended if exclusion else None, ends_at))
            if not all_sites:
                out["quarantine_sites"].append((qid, site.pk))
        if rng.random() < RATES["complaint"]:
            out["complaints"].append((site.pk, rng.choice(["leader", "social_services",
                                                           "citizens_advisor"]),
                                      "For lang ventetid i weekenden.", True, ended,
                                      (ended + timedelta(days=28)).date(), "answered"))
        if rng.random() < RATES["suggestion"]:
            out["suggestions"].append((site.pk, rng.choice(["suggestion", "criticism"]),
                                       "Flere rene håndklæder.", ended, self.staff.pk))

    def _incident(self, site, vid, pid, booth_id, at, out):
        rng = self.rng
        kind = _weighted(rng, INCIDENTS)
        outcome = _weighted(rng, OUTCOMES)
        steps = []
        if kind.startswith("overdose_opioid"):
            steps += ["naloxone"] * rng.choices([0, 1, 2, 3], [20, 50, 22, 8])[0]
            steps += [s for s, p in (("oxygen", 0.6), ("ventilation", 0.4),
                                     ("recovery_position", 0.5)) if rng.random() < p]
        elif rng.random() < 0.5:
            steps.append("recovery_position")
        if outcome == "hospital" or rng.random() < 0.08:
            steps.append("ambulance_called")
        if outcome == "hospital":
            steps.append("handed_to_ambulance")
        out["incidents"].append(((uuid.UUID(int=rng.getrandbits(128), version=4)), site.pk,
                                 kind, vid, pid, booth_id, at, self.staff.pk,
                                 at + timedelta(minutes=rng.randint(15, 60)), self.staff.pk,
                                 outcome, steps))

    # --- writing -----------------------------------------------------------------------

    def _write(self, out):
        bulk.load(Visit, ["id", "person", "site", "method", "state", "booth",
                          "checked_in_at", "booth_at", "ended_at", "checked_in_by",
                          "assisted_by", "assistant_assessment", "assistance_recorded_by",
                          "assistance_recorded_at"], out["visits"])
        through = Visit.substances.through
        bulk.load(through, ["visit", "substance"], out["substances"])
        bulk.load(Incident, ["id", "site", "kind", "visit", "person", "booth", "started_at",
                             "raised_by", "closed_at", "closed_by", "outcome"],
                  (row[:-1] for row in out["incidents"]))
        interventions = []
        for row in out["incidents"]:
            for i, kind in enumerate(row[-1]):
                interventions.append((row[0], kind, row[6] + timedelta(minutes=2 + 3 * i),
                                      "0.40" if kind == "naloxone" else None,
                                      "im" if kind == "naloxone" else "", "", self.staff.pk))
        bulk.load(Intervention, ["incident", "kind", "at", "dose_mg", "route", "note",
                                 "recorded_by", "recorded_at"],
                  (row + (row[2],) for row in interventions))
        bulk.load(Service, ["site", "kind", "person", "visit", "note", "given_at",
                            "recorded_by"], out["services"])
        bulk.load(Referral, ["site", "person", "visit", "target", "status", "note", "outcome",
                             "follow_up_on", "created_at", "created_by", "updated_at",
                             "closed_at"], out["referrals"])
        bulk.load(RefusedCheckIn, ["site", "code", "at", "person_code", "method", "staff"],
                  out["refused"])
        created = []
        for row in out["quarantines"]:
            q = Quarantine(kind=row[0], person_id=row[1], all_sites=row[2], starts_on=row[3],
                           ends_on=row[4], reason=row[5], decided_by_id=row[6],
                           starts_at=row[8], ends_at=row[9])
            created.append((q, row[7]))
        Quarantine.objects.bulk_create([q for q, _ in created])
        for q, at in created:  # auto_now_add set it to now; one UPDATE puts it back
            q.decided_at = at
        Quarantine.objects.bulk_update([q for q, _ in created], ["decided_at"])
        Quarantine.sites.through.objects.bulk_create(
            [Quarantine.sites.through(quarantine_id=created[i][0].pk, site_id=s)
             for i, s in out["quarantine_sites"]])
        bulk.load(Complaint, ["site", "route", "text", "anonymous", "received_at",
                              "answer_due_on", "status"], out["complaints"])
        bulk.load(Suggestion, ["site", "kind", "text", "created_at", "recorded_by"],
                  out["suggestions"])
        self.totals.visits += len(out["visits"])
        self.totals.incidents += len(out["incidents"])
        self.totals.services += len(out["services"])
        self.totals.referrals += len(out["referrals"])
