"""``manage.py seed_demo --cases N``: N cases with realistic distributions, in bulk.

Categories follow the season (wage arrears before Spring Festival, family disputes after
it, land in spring planting …), towns their population, parties come back (a third of
applicants are repeat visitors), and states, windows, outcomes and clocks agree with the
workflow for each case's age. Rows are streamed in batches: through COPY on PostgreSQL,
with the tables' foreign keys and secondary indexes set aside for the load (a million cases
in under three minutes on two cores), through bulk_create on SQLite (the demo of ``make
run``). No timeline rows or PDFs are made for them.

It lives beside the management commands: only ``seed_demo`` imports it (through
``intake.demo``), never the running application.
"""

from __future__ import annotations

import random
import sys
from array import array
from bisect import bisect
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from datetime import date, datetime, timedelta
from itertools import accumulate
from types import SimpleNamespace
from typing import Any

from django.db import connection, models, transaction
from django.utils import timezone
from psycopg import sql
from stdnum.cn import ric

from centre.crypto import get_keyring
from centre.models import Category, Clock, County, DeadlineRule, Region, Window
from centre.periods import Due, rule_due
from intake.identity import mask_id_number, mask_phone
from intake.models import Case, CaseNumberSequence, CaseParty, Party

BATCH = 5_000
# Top-level category code → base weight; months (1–12) → seasonal factor.
CATEGORY_WEIGHTS = {
    "01": 8,
    "02": 14,
    "03": 6,
    "04": 3,
    "05": 6,
    "06": 7,
    "07": 10,
    "08": 3,
    "09": 8,
    "10": 7,
    "11": 9,
    "12": 3,
    "13": 6,
    "14": 6,
    "15": 2,
    "16": 2,
}
SEASON = {
    "06": {12: 3.0, 1: 3.5, 2: 1.5},
    "05": {12: 1.5, 1: 1.8},
    "01": {2: 1.6, 3: 1.4},
    "03": {3: 1.6, 4: 1.5},
    "10": {10: 1.3, 11: 1.4},
    "07": {},
    "02": {7: 1.2, 8: 1.2},
}
NATURE_OF = {
    "13": "petition",
    "14": "consultation",
    "15": "administrative",
    "05": "labour",
    "06": "labour",
}
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董潘袁蔡蒋余于杜叶程"
)
GIVEN = [
    "伟",
    "芳",
    "娜",
    "秀英",
    "敏",
    "静",
    "丽",
    "强",
    "磊",
    "军",
    "洋",
    "勇",
    "建华",
    "杰",
    "国庆",
    "海燕",
    "志明",
    "桂兰",
    "春梅",
    "晓东",
]


# Characters of two-character given names. Most people's full names are shared by a few
# others in a county; the classic names above by a hundred or so (王伟, 张建华), as in life.
GIVEN_CHARS = (
    "伟芳娜敏静丽强磊军洋勇杰娟涛明超秀霞平刚桂英华玉兰萍红建国文志春海燕晓东梅林云"
    "鹏辉斌波宇浩凯健俊帆飞振宏淑珍"
)


def _name(rng: random.Random) -> str:
    if rng.random() < 0.1:
        return rng.choice(SURNAMES) + rng.choice(GIVEN)
    return rng.choice(SURNAMES) + rng.choice(GIVEN_CHARS) + rng.choice(GIVEN_CHARS)


class _Weighted:
    """``rng.choices(list(weights), weights=list(weights.values()))[0]`` with the cumulative
    weights summed once: the same single draw of ``rng.random()``, hence the same pick, at
    a fraction of the cost (this runs several times per case)."""

    __slots__ = ("cum", "hi", "keys", "total")

    def __init__(self, weights: dict[Any, float]) -> None:
        self.keys = list(weights)
        self.cum = list(accumulate(weights.values()))
        self.total = self.cum[-1] + 0.0
        self.hi = len(self.cum) - 1

    def __call__(self, rng: random.Random) -> Any:
        return self.keys[bisect(self.cum, rng.random() * self.total, 0, self.hi)]


# Every (birth date, serial) pair of a generated person: birth dates from 1950 to 2004 (days
# 1–28 of each month), serials 600–999 (the hand-made demo parties, intake/demo.py, use
# lower ones, so a generated person never takes their ID number).
_BIRTH_DAYS = 55 * 12 * 28
_PAIRS = _BIRTH_DAYS * 400
# A prime larger than _PAIRS: n → n·_STRIDE mod _PAIRS visits every pair once, in an order
# that looks drawn at random, so ID numbers are unique without remembering them (memory
# stays flat at ten million cases).
_STRIDE = 2_654_435_761


def _people(
    rng: random.Random, county: County, count: int, *, start: int = 0
) -> Iterator[dict[str, Any]]:
    """Persons with well-formed (not real) ID numbers, each number once: the ``start``-th
    to the ``start + count``-th of the county's sequence of pairs."""
    keyring = get_keyring()
    if start + count > _PAIRS:
        raise ValueError(f"at most {_PAIRS} generated people a county")
    for n in range(start, start + count):
        pair = n * _STRIDE % _PAIRS
        day, serial = divmod(pair, 400)
        year, day = divmod(day, 12 * 28)
        month, day = divmod(day, 28)
        body = f"{county.code}{1950 + year}{month + 1:02d}{day + 1:02d}{600 + serial:03d}"
        id_number = body + ric.calc_check_digit(body + "0")
        phone = f"1{rng.choice('3578')}{rng.randint(0, 999_999_999):09d}"
        yield {
            "county_id": county.pk,
            "kind": Party.Kind.PERSON.value,
            "name": _name(rng),
            "id_type": "resident_id",
            "id_number_enc": keyring.encrypt(id_number),
            "id_number_index": keyring.blind_index(id_number, purpose="id_number"),
            "id_number_masked": mask_id_number(id_number),
            "phone_enc": keyring.encrypt(phone),
            "phone_index": keyring.blind_index(phone, purpose="phone"),
            "phone_masked": mask_phone(phone),
        }


def _state_table(weights: dict[str, float]) -> _Weighted:
    return _Weighted({str(state): w for state, w in weights.items()})


_S = Case.State
_STATES_NEW = _state_table({_S.REGISTERED: 5, _S.TRIAGED: 3, _S.REFERRED: 1, _S.MEDIATING: 1})
_STATES_MONTH = _state_table(
    {
        _S.TRIAGED: 2,
        _S.MEDIATING: 6,
        _S.AGREED: 2,
        _S.REFERRED: 1,
        _S.CONFIRMING: 0.5,
        _S.MEDIATION_FAILED: 0.5,
        _S.CLOSED: 3,
    }
)
_STATES_OLD = _state_table(
    {_S.CLOSED: 20, _S.CONFIRMED: 1, _S.LITIGATING: 0.5, _S.MEDIATING: 0.4, _S.AGREED: 0.3}
)
_OUTCOMES = _Weighted(
    {
        str(outcome): w
        for outcome, w in {
            Case.Outcome.RESOLVED: 10,
            Case.Outcome.PERFORMED: 6,
            Case.Outcome.CONFIRMED: 2,
            Case.Outcome.WITHDRAWN: 2,
            Case.Outcome.LITIGATED: 1,
            Case.Outcome.HANDLED: 3,
            Case.Outcome.UNRESOLVED: 1,
        }.items()
    }
)
_CHANNELS = _Weighted({"walk_in": 6, "phone": 2, "online": 1, "grid": 1.5, "platform": 0.5})
# The window a triaged case of each nature goes to.
_WINDOW_OF = {
    "petition": "petition",
    "consultation": "legal_aid",
    "labour": "labour",
    "administrative": "review",
}


def _state_for(rng: random.Random, age_days: int) -> str:
    if age_days < 3:
        return _STATES_NEW(rng)
    if age_days < 30:
        return _STATES_MONTH(rng)
    return _STATES_OLD(rng)


def _outcome(rng: random.Random) -> str:
    return _OUTCOMES(rng)


# The milestones each state (and, for closed cases, each outcome) implies, in order.
_PATHS = {
    "referred": ("referred_at",),
    "mediating": ("mediation_started_at",),
    "agreed": ("mediation_started_at", "agreed_at"),
    "confirming": ("mediation_started_at", "agreed_at", "confirmation_applied_at"),
    "confirmed": ("mediation_started_at", "agreed_at", "confirmation_applied_at", "confirmed_at"),
    "mediation_failed": ("mediation_started_at", "mediation_failed_at"),
    "litigating": ("mediation_started_at", "mediation_failed_at"),
}
_CLOSED_PATHS = {
    "resolved": _PATHS["agreed"],
    "performed": _PATHS["agreed"],
    "confirmed": _PATHS["confirmed"],
    "litigated": _PATHS["litigating"],
    "handled": _PATHS["referred"],
    "unresolved": _PATHS["referred"],
    "withdrawn": (),
}


def _milestones(rng: random.Random, case: Any) -> None:
    """Set the milestones the case's state implies, spread between registration and the
    last change, as the transitions would have. ``case`` is a Case or a draft with the
    same attributes."""
    if case.state == Case.State.CLOSED:
        path = _CLOSED_PATHS[case.outcome]
        if case.outcome == Case.Outcome.WITHDRAWN and rng.random() < 0.5:
            path = _PATHS["mediating"]
    elif case.state == Case.State.MEDIATION_FAILED and rng.random() < 0.15:
        # Some agreements fail at the court instead (refuse_confirmation).
        path = (*_PATHS["confirming"], "confirmation_refused_at")
    else:
        path = _PATHS.get(case.state, ())
    span = (case.state_changed_at - case.registered_at).total_seconds()
    for i, field in enumerate(path, start=1):
        setattr(case, field, case.registered_at + timedelta(seconds=span * i / len(path)))
    # A mediation takes days or weeks, not the case's whole life: most end within the
    # 30 days of the rule, some run over (the on-time rate is then realistic).
    end = "agreed_at" if "agreed_at" in path else "mediation_failed_at"
    if "mediation_started_at" in path and end in path:
        started = case.mediation_started_at
        days = rng.uniform(2, 28) if rng.random() < 0.88 else rng.uniform(31, 60)
        ended = min(started + timedelta(days=days), case.state_changed_at)
        setattr(case, end, ended)
        later = path[path.index(end) + 1 :]
        rest = (case.state_changed_at - ended).total_seconds()
        for i, field in enumerate(later, start=1):
            setattr(case, field, ended + timedelta(seconds=rest * i / len(later)))


class _OrmSink:
    """Bulk inserts through the ORM: SQLite, where the demo of ``make run`` lives."""

    def parties(self, rows: list[dict[str, Any]]) -> list[int]:
        return [p.pk for p in Party.objects.bulk_create([Party(**row) for row in rows])]

    def cases(self, rows: list[dict[str, Any]]) -> list[int]:
        return [c.pk for c in Case.objects.bulk_create([Case(**row) for row in rows])]

    def links(self, rows: list[dict[str, Any]]) -> None:
        CaseParty.objects.bulk_create([CaseParty(**row) for row in rows])

    def clocks(self, rows: list[dict[str, Any]]) -> None:
        Clock.objects.bulk_create([Clock(**row) for row in rows])


class _CopySink:
    """PostgreSQL: ``COPY … FROM STDIN``, several times faster than multi-row INSERTs.
    Primary keys are drawn from the tables' own sequences first, so that links and clocks
    name their case and party without reading anything back."""

    def __init__(self, now: datetime) -> None:
        self.cursor = connection.cursor()
        self.now = now
        self._tables: dict[tuple[type[models.Model], bool], tuple[sql.Composed, tuple]] = {}

    def parties(self, rows: list[dict[str, Any]]) -> list[int]:
        return self._copy(Party, rows, with_ids=True)

    def cases(self, rows: list[dict[str, Any]]) -> list[int]:
        return self._copy(Case, rows, with_ids=True)

    def links(self, rows: list[dict[str, Any]]) -> None:
        self._copy(CaseParty, rows)

    def clocks(self, rows: list[dict[str, Any]]) -> None:
        self._copy(Clock, rows)

    def _copy(
        self, model: type[models.Model], rows: list[dict[str, Any]], *, with_ids: bool = False
    ) -> list[int]:
        if not rows:
            return []
        statement, rest = self._table(model, list(rows[0]), with_ids)
        if not with_ids:
            with self.cursor.copy(statement) as copy:
                for row in rows:
                    copy.write_row((*row.values(), *rest))
            return []
        self.cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [model._meta.db_table, model._meta.pk.column, len(rows)],
        )
        ids = [pk for (pk,) in self.cursor.fetchall()]
        with self.cursor.copy(statement) as copy:
            for pk, row in zip(ids, rows, strict=True):
                copy.write_row((pk, *row.values(), *rest))
        return ids

    def _table(
        self, model: type[models.Model], given: list[str], with_ids: bool
    ) -> tuple[sql.Composed, tuple]:
        """The COPY statement for the columns the rows give (every row gives the same
        ones, in the same order), followed by every other column at its field's default,
        prepared once."""
        key = (model, with_ids)
        if key not in self._tables:
            pk = model._meta.pk
            columns = [pk.column] if with_ids else []
            columns += [model._meta.get_field(name).column for name in given]
            rest = []
            for field in model._meta.concrete_fields:
                if field is pk or field.attname in given:
                    continue
                if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
                    value = self.now
                else:
                    value = field.get_default()
                columns.append(field.column)
                rest.append(field.get_db_prep_save(value, connection))
            statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
                sql.Identifier(model._meta.db_table),
                sql.SQL(", ").join(sql.Identifier(column) for column in columns),
            )
            self._tables[key] = (statement, tuple(rest))
        return self._tables[key]


_MILESTONES_UNSET = dict.fromkeys(
    (
        "referred_at",
        "mediation_started_at",
        "agreed_at",
        "mediation_failed_at",
        "confirmation_applied_at",
        "confirmed_at",
        "confirmation_refused_at",
    )
)


# The tables written: their foreign keys and secondary indexes are set aside for the load.
_TABLES = (Party, Case, CaseParty, Clock)


@contextmanager
def _bulk_load() -> Iterator[None]:
    """The manual's recipe for "Populating a Database", in the caller's transaction (nobody
    sees the tables without their keys and indexes). PostgreSQL checks a foreign key row by
    row (Django's, deferred, all at the commit: a million cases queue some ten million
    checks) and updates every index of the table for each row; added back after the load,
    a key is checked with one join and an index is built with one sort. Unique indexes and
    primary keys stay, so a duplicate number still fails the load."""
    tables = [model._meta.db_table for model in _TABLES]
    with connection.cursor() as cursor:
        # The checks still queued by the seeders before (a table with pending checks
        # cannot be altered) run now.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
        cursor.execute(
            "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid)"
            " FROM pg_constraint WHERE contype = 'f' AND conrelid = ANY(%s::regclass[])",
            [tables],
        )
        keys = cursor.fetchall()
        for table, name, _definition in keys:
            cursor.execute(
                sql.SQL("ALTER TABLE {} DROP CONSTRAINT {}").format(
                    sql.SQL(table), sql.Identifier(name)
                )
            )
        cursor.execute(
            "SELECT indexrelid::regclass::text, pg_get_indexdef(indexrelid) FROM pg_index"
            " WHERE indrelid = ANY(%s::regclass[]) AND NOT indisunique",
            [tables],
        )
        indexes = cursor.fetchall()
        for name, _definition in indexes:
            cursor.execute(sql.SQL("DROP INDEX {}").format(sql.SQL(name)))
    yield
    with connection.cursor() as cursor:
        for _name, definition in indexes:
            cursor.execute(definition)
        for table, name, definition in keys:
            cursor.execute(
                sql.SQL("ALTER TABLE {} ADD CONSTRAINT {} {}").format(
                    sql.SQL(table), sql.Identifier(name), sql.SQL(definition)
                )
            )
        # Back to each constraint's own timing (Django's are all initially deferred).
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        _analyze()


def _analyze() -> None:
    """Fresh statistics, or the planner takes the new million rows for a handful."""
    tables = [model._meta.db_table for model in _TABLES]
    with connection.cursor() as cursor:
        cursor.execute(
            sql.SQL("ANALYZE {}").format(sql.SQL(", ").join(map(sql.Identifier, tables)))
        )


def generate(
    *,
    county: County | None = None,
    count: int = 0,
    shares: list[tuple[County, int, Any]] | None = None,
    registered_by: Any = None,
    write=print,
    seed: int = 20261127,
) -> int:
    """Write ``count`` cases (and their parties and clocks) for ``county`` — or, with
    ``shares``, so many for each county of a city, registered by its clerk — in one
    transaction, ``BATCH`` cases at a time, with the tables' keys and indexes set aside
    once for the whole load. Run again on the same database, it draws other people (the
    seed moves on with the parties already there)."""
    postgres = connection.vendor == "postgresql"
    shares = shares or [(county, count, registered_by)]
    written = 0
    firsts = []
    with transaction.atomic():
        with _bulk_load() if postgres else nullcontext():
            for order, (each, number, clerk) in enumerate(shares):
                done, first = _generate(
                    county=each,
                    count=number,
                    registered_by=clerk,
                    write=write,
                    seed=seed + int(each.code) * order + Party.objects.filter(county=each).count(),
                    sink=_CopySink(timezone.now()) if postgres else _OrmSink(),
                )
                written += done
                firsts.append((each, first))
        # After the indexes are back: an index built over rows updated in its own
        # transaction is hidden from every transaction older than it (pg_index.indcheckxmin),
        # so one long transaction anywhere on the server would keep the search off them.
        for each, first in firsts:
            _flag_repeat_visitors(each, first_new=first)
    return written


# Each applicant link with the number of applications of its party in the county, per case
# whether any applicant of it came more than once; written where the flag changes. The
# same statement on PostgreSQL and SQLite (UPDATE … FROM, SQLite 3.33+); hash joins and
# aggregates, where a correlated EXISTS per case took minutes at a million.
_REPEAT_SQL = """
UPDATE {case} SET risk_repeat = r.repeat
FROM (
  SELECT a.case_id, max(n.applications) > 1 AS repeat
  FROM {link} a
  JOIN (
    SELECT b.party_id, count(*) AS applications
    FROM {link} b JOIN {case} k ON k.id = b.case_id
    WHERE b.role = 'applicant' AND k.county_id = %(county)s
    GROUP BY b.party_id
  ) n ON n.party_id = a.party_id
  WHERE a.role = 'applicant'
  GROUP BY a.case_id
) r
WHERE {case}.id = r.case_id AND {case}.county_id = %(county)s
  AND {case}.risk_repeat <> r.repeat AND (r.repeat OR {case}.id >= %(first_new)s)
"""


def _flag_repeat_visitors(county: County, *, first_new: int) -> None:
    """Repeat visitors: the cases of applicants with more than one case, in one UPDATE.

    The new cases were written flagged (most applicants come back: 95 % of a million
    cases), so the UPDATE rewrites only the new cases of one-time applicants, and the
    earlier cases whose applicant came back. A flag of an earlier case is never cleared."""
    statement = _REPEAT_SQL.format(
        case=connection.ops.quote_name(Case._meta.db_table),
        link=connection.ops.quote_name(CaseParty._meta.db_table),
    )
    with connection.cursor() as cursor:
        cursor.execute(statement, {"county": county.pk, "first_new": first_new})


def _generate(
    *, county: County, count: int, registered_by: Any, write, seed: int, sink: Any
) -> tuple[int, int]:
    """The cases written, and the first new case's primary key."""
    # Seeded, so that the same demo comes out every time (not for anything secret).
    rng = random.Random(seed)  # noqa: S311
    now = timezone.now()
    windows = {w.code: w.pk for w in Window.objects.all()}
    categories: dict[str, list[Category]] = {}
    for category in Category.objects.filter(active=True).select_related("parent"):
        top = category.parent.code if category.parent_id else category.code
        categories.setdefault(top, []).append(category)
    towns = list(Region.objects.filter(county=county, level=Region.Level.TOWN))
    places = {
        t.pk: [t, *Region.objects.filter(parent=t, level=Region.Level.VILLAGE)] for t in towns
    }
    # Streets (街道) hold most of the population.
    pick_town = _Weighted(
        {t: (4 if t.name.endswith("街道") else 1.5 if t.name.endswith("镇") else 1) for t in towns}
    )
    pick_top = {
        month: _Weighted(
            {
                code: w * SEASON.get(code, {}).get(month, 1)
                for code, w in CATEGORY_WEIGHTS.items()
                if code in categories
            }
        )
        for month in range(1, 13)
    }
    mediation_rule = DeadlineRule.objects.get(code="mediation_people")
    # One rule, so the due date depends on the start day only (and reads the calendar).
    mediation_due: dict[date, Due] = {}

    # Most people come once; a few come back (and are flagged repeat visitors), and a few
    # respondents (employers, developers) collect many cases.
    pool_size = max(50, count * 4 // 5)
    write(f"  生成{pool_size}名当事人 …")
    parties = array("q")  # 8 bytes a person, not a Python int's 28 and the list's pointer
    batch: list[dict[str, Any]] = []
    # Another run on the same database goes on where the county's people stop, so no
    # generated number is drawn twice (were one drawn, the unique index, kept through the
    # load, would stop it). Nothing is looked up per batch: without its statistics in the
    # middle of the load, the planner would read the whole table for each look-up.
    start = Party.objects.filter(county=county).count()
    for party in _people(rng, county, pool_size, start=start):
        batch.append(party)
        if len(batch) == BATCH:
            parties.extend(sink.parties(batch))
            batch = []
    parties.extend(sink.parties(batch))

    regulars = max(1, len(parties) // 25)  # the returning visitors
    frequent = max(1, len(parties) // 500)  # respondents with many cases
    fresh = regulars
    first = sys.maxsize
    counters = dict(CaseNumberSequence.objects.filter(county=county).values_list("year", "last"))
    tz = timezone.get_current_timezone()
    written = 0
    while written < count:
        size = min(BATCH, count - written)
        cases = []
        for _ in range(size):
            age = int(rng.expovariate(1 / 240))  # many recent, a long tail over two years
            registered = now - timedelta(days=min(age, 730), seconds=rng.randint(0, 86_400))
            local = registered.astimezone(tz)
            top = pick_top[local.month](rng)
            category = rng.choice(categories[top])
            town = pick_town(rng)
            region = rng.choice(places[town.pk])
            nature = NATURE_OF.get(top, "dispute")
            state = _state_for(rng, (now - registered).days)
            window = (
                None
                if state == Case.State.REGISTERED
                else windows[_WINDOW_OF.get(nature, "mediation")]
            )
            year = local.year
            counters[year] = counters.get(year, 0) + 1
            changed = registered + timedelta(days=rng.randint(0, max(1, (now - registered).days)))
            involved = 1 if rng.random() < 0.93 else rng.randint(5, 40)
            cases.append(
                SimpleNamespace(
                    county_id=county.pk,
                    number=f"{county.code}-{year}-{counters[year]:06d}",
                    year=year,
                    sequence=counters[year],
                    state=state,
                    channel=_CHANNELS(rng),
                    nature=nature,
                    category_id=category.pk,
                    region_id=region.pk,
                    summary=f"{category.name}：{region.name}",
                    involved_count=involved,
                    amount=rng.choice([None, None, rng.randint(500, 500_000)]),
                    registered_by_id=registered_by.pk if registered_by else None,
                    registered_at=registered,
                    window_id=window,
                    suggested_window_id=window or windows["mediation"],
                    risk_mass=involved >= 5,
                    risk_level="medium" if involved >= 5 else "low",
                    risk_repeat=True,  # until _flag_repeat_visitors
                    outcome=_outcome(rng) if state == Case.State.CLOSED else "",
                    closed_at=changed if state == Case.State.CLOSED else None,
                    state_changed_at=changed,
                    **_MILESTONES_UNSET,
                )
            )
        for case in cases:
            _milestones(rng, case)
        ids = sink.cases([vars(case) for case in cases])
        first = min(first, *ids)
        links, clocks = [], []
        for case, pk in zip(cases, ids, strict=True):
            if rng.random() < 0.15:
                applicant = parties[rng.randrange(regulars)]
            else:
                applicant = parties[fresh % len(parties)]
                fresh += 1
            if rng.random() < 0.2:
                respondent = parties[-1 - rng.randrange(frequent)]
            else:
                respondent = rng.choice(parties)
            links.append({"case_id": pk, "party_id": applicant, "role": "applicant", "order": 0})
            if respondent != applicant:
                links.append(
                    {"case_id": pk, "party_id": respondent, "role": "respondent", "order": 1}
                )
            if case.mediation_started_at is not None:
                # The mediation's clock: running while the case is in mediation, stopped
                # when it ended (and marked overdue if it ended late).
                start = timezone.localdate(case.mediation_started_at)
                if start not in mediation_due:
                    mediation_due[start] = rule_due(mediation_rule, start)
                due = mediation_due[start]
                ended = case.agreed_at or case.mediation_failed_at
                if case.state != Case.State.MEDIATING and ended is None:
                    ended = case.state_changed_at  # withdrawn during mediation
                late = ended is not None and timezone.localdate(ended) > due.date
                clocks.append(
                    {
                        "county_id": county.pk,
                        "rule_id": mediation_rule.pk,
                        "case_number": case.number,
                        "subject": "bulk",
                        "subject_id": pk,
                        "started_on": start,
                        "due_on": due.date,
                        "provisional": due.provisional,
                        "stopped_at": ended if case.state != Case.State.MEDIATING else None,
                        "overdue_since": due.date + timedelta(days=1) if late else None,
                    }
                )
        sink.links(links)
        sink.clocks(clocks)
        written += size
        if written % 50_000 == 0 or written == count:
            write(f"  已生成{written}件案件")
    for year, last in counters.items():
        CaseNumberSequence.objects.update_or_create(
            county=county, year=year, defaults={"last": last}
        )
    return written, first
