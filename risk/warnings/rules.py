"""The warning rules (风险预警规则): each reads one county's cases and returns findings.

A rule is a small function ``rule(ctx) -> list[Finding]``; it writes nothing. The scan
(``risk.warnings.services.scan_risks``) turns findings into warnings, deduplicated by the
finding's ``subject`` and ``key`` (see ``risk.models.warning``).

Each rule reads an indexed range of recent cases (or running clocks) and lets PostgreSQL
group and count them; Python only sees the groups, then fetches the evidence of the few
groups that fire. None of them walks every case: at a million cases a scan reads a few
weeks of registrations.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db import connection
from django.db.models import Count, Q
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from centre.models import Category, Clock, County, Region, Window
from intake.models import Case, CaseParty
from mediation.models import Participant
from petitions.models import Petition
from risk.models.warning import EVIDENCE_LIMIT, LEVEL_RANK, Kind, Level, RiskKeyword, WarningRule

WEEK = timedelta(days=7)
# A registration sets registered_at first and commits a moment later: the keyword rule
# re-reads this margin before its bookmark so that no late commit slips past it (re-read
# cases find their warning by key and change nothing).
KEYWORD_OVERLAP = timedelta(minutes=10)


@dataclass
class Finding:
    kind: str
    subject: str  # what it is about, e.g. "respondent:123" (one open warning per subject)
    period: str  # when it was found, e.g. "2026-W48"; "" for one-off findings
    level: str
    title: str
    detail: str
    case_ids: list[int] = field(default_factory=list)
    case_numbers: list[str] = field(default_factory=list)
    case_count: int = 0

    @property
    def key(self) -> str:
        return f"{self.subject}@{self.period}" if self.period else self.subject


@dataclass
class Context:
    county: County
    rule: WarningRule
    today: date
    # Cases registered before ``until`` (the end of ``today``) are read; ``start`` is the
    # beginning of ``today``: the surge rule counts complete days only.
    start: datetime
    until: datetime
    keywords_read_to: datetime | None = None

    @classmethod
    def build(cls, county: County, rule: WarningRule, today: date, **kw) -> Context:
        start = timezone.make_aware(datetime.combine(today, time.min))
        return cls(county, rule, today, start, start + timedelta(days=1), **kw)

    def level_for(self, count: int) -> str:
        high = self.rule.high_count
        return Level.HIGH if high and count >= high else self.rule.level

    def bucket(self, days: int) -> str:
        """The start of the ``days``-long period ``today`` falls in: a warning handled in
        one period is raised again in the next if the pattern persists, not every day."""
        return date.fromordinal(self.today.toordinal() // days * days).isoformat()


def _evidence(rows: list[tuple[int, str]]) -> dict:
    """Evidence of a finding from its cases (newest first), capped."""
    return {
        "case_ids": [r[0] for r in rows[:EVIDENCE_LIMIT]],
        "case_numbers": [r[1] for r in rows[:EVIDENCE_LIMIT]],
        "case_count": len(rows),
    }


# --- Surge ---------------------------------------------------------------------------------


def surge(ctx: Context) -> list[Finding]:
    """A top-level category or a town whose last seven days stand out.

    The statistics: let x be the number of cases registered in the last 7 complete days.
    Two baselines are weekly means of the same group:

    - recent: the N weeks just before (``baseline_weeks``), which follows a trend;
    - seasonal: for each of the ``seasonal_years`` years before, the busiest of the same
      week and the two weeks either side of it (52, 104, … weeks earlier: 52 weeks keep
      the weekdays aligned), averaged over the years. It knows the season — wage arrears
      before Spring Festival, land disputes at planting — and taking each year's busiest
      week of the five lets a peak that follows the lunar calendar (Spring Festival moves
      by up to three weeks from year to year) still count as the same season.

    x fires when x ≥ ``min_count`` (a jump from 1 to 3 is noise), x ≥ ratio × recent mean
    and, where there is seasonal history, x ≥ ratio × seasonal mean. So January's wage
    arrears peak, which every earlier January also had, stays quiet however far it rises
    above December; the same jump in July, never seen in a July before, fires.

    Weeks in which the county registered nothing at all are not history (the system was
    not in use yet), so a county new to the system compares against the weeks it has; a
    county with no recent week at all gets no surge warnings yet.
    """
    rule = ctx.rule
    n_recent, years = rule.baseline_weeks, rule.seasonal_years
    recent = range(1, n_recent + 1)
    spread = 2  # weeks either side of the same week, a year earlier
    seasonal = {k: [52 * k + d for d in range(-spread, spread + 1)] for k in range(1, years + 1)}
    # Week b (0 = the last 7 days) is [start - 7(b+1) days, start - 7b days).
    ranges = [(n_recent, 0)] + [(52 * k + spread, 52 * k - spread) for k in seasonal]
    where = " OR ".join(
        f"(c.registered_at >= %(lo{i})s AND c.registered_at < %(hi{i})s)"
        for i in range(len(ranges))
    )
    params: dict = {"county": ctx.county.pk, "anchor": ctx.start}
    for i, (oldest, newest) in enumerate(ranges):
        params[f"lo{i}"] = ctx.start - WEEK * (oldest + 1)
        params[f"hi{i}"] = ctx.start - WEEK * newest
    # Town: the region's top ancestor (regions are town → village → grid, and a case may
    # sit at any of them). Category: the top level. One pass gives the counts per week of
    # every category, every town, and the county as a whole (GROUPING SETS).
    sql = f"""
        SELECT week, category, town, GROUPING(category, town), count(*)
        FROM (
            SELECT ceil(extract(epoch FROM (%(anchor)s - c.registered_at)) / 604800)::int - 1
                       AS week,
                   coalesce(cat.parent_id, cat.id) AS category,
                   coalesce(g.id, p.id, r.id) AS town
            FROM {Case._meta.db_table} c
            JOIN {Category._meta.db_table} cat ON cat.id = c.category_id
            JOIN {Region._meta.db_table} r ON r.id = c.region_id
            LEFT JOIN {Region._meta.db_table} p ON p.id = r.parent_id
            LEFT JOIN {Region._meta.db_table} g ON g.id = p.parent_id
            WHERE c.county_id = %(county)s AND ({where})
        ) weekly
        GROUP BY GROUPING SETS ((week, category), (week, town), (week))
    """  # noqa: S608 (table names from the models; values are parameters)
    counts: dict[tuple[str, int], dict[int, int]] = defaultdict(dict)
    active_weeks: set[int] = set()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for week, category, town, grouping, n in cursor.fetchall():
            if grouping == 3:
                active_weeks.add(week)
            elif grouping == 1:
                counts[("category", category)][week] = n
            else:
                counts[("town", town)][week] = n
    recent_weeks = [w for w in recent if w in active_weeks]
    # The years with history in their season; each year's weeks that have it.
    seasonal_weeks = [
        active for weeks in seasonal.values() if (active := [w for w in weeks if w in active_weeks])
    ]
    if not recent_weeks:
        return []

    def mean(weeks: dict[int, int], over: list[int]) -> float:
        return sum(weeks.get(w, 0) for w in over) / len(over)

    ratio = float(rule.ratio)
    fired = []
    for (dimension, pk), weeks in counts.items():
        x = weeks.get(0, 0)
        if x < rule.min_count:
            continue
        recent_mean = mean(weeks, recent_weeks)
        seasonal_mean = (
            sum(max(weeks.get(w, 0) for w in year) for year in seasonal_weeks) / len(seasonal_weeks)
            if seasonal_weeks
            else None
        )
        if x < ratio * recent_mean:
            continue
        if seasonal_mean is not None and x < ratio * seasonal_mean:
            continue
        fired.append((dimension, pk, x, recent_mean, seasonal_mean))
    if not fired:
        return []
    names = {
        ("category", c.pk): (c.code, c.name)
        for c in Category.objects.filter(pk__in=[f[1] for f in fired if f[0] == "category"])
    }
    names |= {
        ("town", r.pk): (r.code, r.name)
        for r in Region.objects.filter(pk__in=[f[1] for f in fired if f[0] == "town"])
    }
    week_cases = Case.objects.filter(
        county=ctx.county, registered_at__gte=ctx.start - WEEK, registered_at__lt=ctx.start
    ).order_by("-registered_at", "-id")
    last_day = ctx.today - timedelta(days=1)
    iso = last_day.isocalendar()
    period = f"{iso.year}-W{iso.week:02d}"
    span = _("%(first)s至%(last)s") % {
        "first": f"{(ctx.today - WEEK).month}月{(ctx.today - WEEK).day}日",
        "last": f"{last_day.month}月{last_day.day}日",
    }
    findings = []
    for dimension, pk, x, recent_mean, seasonal_mean in fired:
        code, name = names[(dimension, pk)]
        if dimension == "category":
            cases = week_cases.filter(Q(category_id=pk) | Q(category__parent_id=pk))
            title = _("“%(name)s”类纠纷近7日激增：%(n)d件") % {"name": name, "n": x}
        else:
            cases = week_cases.filter(
                Q(region_id=pk) | Q(region__parent_id=pk) | Q(region__parent__parent_id=pk)
            )
            title = _("%(name)s近7日纠纷激增：%(n)d件") % {"name": name, "n": x}
        detail = _("%(span)s登记%(n)d件；此前%(weeks)d周周均%(recent).1f件（%(times)s倍）") % {
            "span": span,
            "n": x,
            "weeks": len(recent_weeks),
            "recent": recent_mean,
            "times": f"{x / recent_mean:.1f}" if recent_mean else "—",
        }
        if seasonal_mean is None:
            detail += _("；无往年同期数据。")
        else:
            detail += _("；往年同期最多的一周平均%(seasonal).1f件，非季节性增长。") % {
                "seasonal": seasonal_mean
            }
        rows = list(cases.values_list("id", "number")[: EVIDENCE_LIMIT + 1])
        evidence = _evidence(rows)
        evidence["case_count"] = x
        findings.append(
            Finding(
                kind=Kind.SURGE,
                subject=f"surge:{dimension}:{code}",
                period=period,
                level=ctx.level_for(x),
                title=title,
                detail=detail,
                **evidence,
            )
        )
    return findings


# --- Respondent cluster (群体性风险) ---------------------------------------------------------


def _party_cases(ctx: Context, role: str, party_ids, **case_filters) -> dict[int, list[tuple]]:
    """Each party's cases in the rule's period, newest first (the evidence)."""
    by_party: dict[int, list[tuple]] = defaultdict(list)
    rows = (
        CaseParty.objects.filter(
            party_id__in=party_ids,
            role=role,
            case__county=ctx.county,
            case__registered_at__gte=ctx.until - timedelta(days=ctx.rule.days),
            case__registered_at__lt=ctx.until,
            **case_filters,
        )
        .order_by("-case__registered_at", "-case_id")
        .values_list("party_id", "case_id", "case__number", "case__window__name")
    )
    seen = set()
    for party_id, case_id, number, window in rows:
        if (party_id, case_id) not in seen:
            seen.add((party_id, case_id))
            by_party[party_id].append((case_id, number, window))
    return by_party


def respondent_cluster(ctx: Context) -> list[Finding]:
    """Many open cases against one respondent (a company owing wages, a developer, a
    training school that closed): a mass dispute forming before it becomes an incident.

    Counts distinct open cases per respondent party registered in the last ``days`` days;
    ``min_count`` or more fire. Read through CaseParty's (party, role) index after the
    range of recent cases.
    """
    rule = ctx.rule
    groups = (
        CaseParty.objects.filter(
            role=CaseParty.Role.RESPONDENT,
            case__county=ctx.county,
            case__state__in=Case.OPEN_STATES,
            case__registered_at__gte=ctx.until - timedelta(days=rule.days),
            case__registered_at__lt=ctx.until,
        )
        .values("party_id")
        .annotate(n=Count("case_id", distinct=True))
        .filter(n__gte=rule.min_count)
        .values_list("party_id", "party__name", "n")
    )
    groups = list(groups)
    if not groups:
        return []
    cases = _party_cases(
        ctx,
        CaseParty.Role.RESPONDENT,
        [g[0] for g in groups],
        case__state__in=Case.OPEN_STATES,
    )
    period = ctx.bucket(rule.days)
    findings = []
    for party_id, name, n in groups:
        rows = cases[party_id]
        findings.append(
            Finding(
                kind=Kind.RESPONDENT_CLUSTER,
                subject=f"respondent:{party_id}",
                period=period,
                level=ctx.level_for(n),
                title=_("群体性风险：%(days)d日内%(n)d件在办案件指向“%(name)s”")
                % {"days": rule.days, "n": n, "name": name},
                detail=_(
                    "被申请人“%(name)s”近%(days)d日被登记%(n)d件纠纷，尚未办结，"
                    "可能形成群体性事件，请及早研判、联动化解。"
                )
                % {"name": name, "days": rule.days, "n": n},
                **_evidence(rows),
            )
        )
    return findings


# --- Repeat visitor (重复访、多窗口访) --------------------------------------------------------


def repeat_visitor(ctx: Context) -> list[Finding]:
    """One applicant coming back again and again (重复访), or taking the same grievance
    from window to window (多窗口访, often the step before going over the county's head:
    越级访).

    Per applicant party, over the last ``days`` days: the number of distinct cases
    (≥ ``min_count`` fires) and the number of distinct windows those cases were handled
    or registered at (≥ ``distinct_windows`` fires).
    """
    rule = ctx.rule
    window = Coalesce("case__window_id", "case__registered_window_id")
    groups = list(
        CaseParty.objects.filter(
            role=CaseParty.Role.APPLICANT,
            case__county=ctx.county,
            case__registered_at__gte=ctx.until - timedelta(days=rule.days),
            case__registered_at__lt=ctx.until,
        )
        .values("party_id")
        .annotate(n=Count("case_id", distinct=True), windows=Count(window, distinct=True))
        .filter(Q(n__gte=rule.min_count) | Q(windows__gte=rule.distinct_windows))
        .values_list("party_id", "party__name", "n", "windows")
    )
    if not groups:
        return []
    cases = _party_cases(ctx, CaseParty.Role.APPLICANT, [g[0] for g in groups])
    period = ctx.bucket(rule.days)
    findings = []
    for party_id, name, n, windows in groups:
        rows = cases[party_id]
        names = sorted({r[2] for r in rows if r[2]})
        if windows >= rule.distinct_windows:
            title = _("多窗口访：%(name)s %(days)d日内到%(w)d个窗口") % {
                "name": name,
                "days": rule.days,
                "w": windows,
            }
        else:
            title = _("重复访：%(name)s %(days)d日内%(n)d次登记") % {
                "name": name,
                "days": rule.days,
                "n": n,
            }
        detail = _("申请人“%(name)s”近%(days)d日登记%(n)d件") % {
            "name": name,
            "days": rule.days,
            "n": n,
        }
        if names:
            detail += _("，涉及窗口：%(windows)s") % {"windows": _("、").join(names)}
        detail += _("。请核实诉求是否已得到回应，防止越级访。")
        level = ctx.level_for(n)
        if windows >= rule.distinct_windows and LEVEL_RANK[level] < LEVEL_RANK[Level.MEDIUM]:
            level = Level.MEDIUM
        findings.append(
            Finding(
                kind=Kind.REPEAT_VISITOR,
                subject=f"repeat:{party_id}",
                period=period,
                level=level,
                title=title,
                detail=detail,
                **_evidence(rows),
            )
        )
    return findings


# --- Overdue cluster (超期积压) --------------------------------------------------------------


def overdue_cluster(ctx: Context) -> list[Finding]:
    """Many overdue cases in one window or one mediation organisation: a backlog, not a
    single late file.

    Running clocks (not stopped, not paused, not unlimited) past their due date, read
    through the clocks' partial index of running due dates, joined to their cases by
    number; grouped by the case's window and by the organisation leading its mediation.
    """
    rule = ctx.rule
    overdue_numbers = Clock.objects.filter(
        county=ctx.county,
        stopped_at__isnull=True,
        paused_at__isnull=True,
        unlimited=False,
        due_on__lt=ctx.today,
    ).values("case_number")
    overdue = Case.objects.filter(county=ctx.county, number__in=overdue_numbers)
    iso = ctx.today.isocalendar()
    period = f"{iso.year}-W{iso.week:02d}"
    findings = []
    by_window = list(
        overdue.exclude(window=None)
        .values("window_id")
        .annotate(n=Count("id"))
        .filter(n__gte=rule.min_count)
        .values_list("window_id", "n")
    )
    windows = {w.pk: w for w in Window.objects.filter(pk__in=[g[0] for g in by_window])}
    for window_id, n in by_window:
        rows = list(
            overdue.filter(window_id=window_id)
            .order_by("registered_at", "id")
            .values_list("id", "number")[: EVIDENCE_LIMIT + 1]
        )
        name = windows[window_id].name
        findings.append(
            Finding(
                kind=Kind.OVERDUE_CLUSTER,
                subject=f"overdue:window:{windows[window_id].code}",
                period=period,
                level=ctx.level_for(n),
                title=_("超期积压：%(name)s窗口%(n)d件案件超过法定期限") % {"name": name, "n": n},
                detail=_("%(name)s窗口有%(n)d件案件的办理期限已届满仍在办理，请督办。")
                % {"name": name, "n": n},
                **{**_evidence(rows), "case_count": n},
            )
        )
    by_org = list(
        Participant.objects.filter(
            is_lead=True,
            removed_at__isnull=True,
            mediation__case__in=overdue,
        )
        .values("organisation_id")
        .annotate(n=Count("mediation__case_id", distinct=True))
        .filter(n__gte=rule.min_count)
        .values_list("organisation_id", "organisation__name", "n")
    )
    for org_id, name, n in by_org:
        rows = list(
            overdue.filter(
                mediation__participants__organisation_id=org_id,
                mediation__participants__is_lead=True,
                mediation__participants__removed_at__isnull=True,
            )
            .order_by("registered_at", "id")
            .values_list("id", "number")[: EVIDENCE_LIMIT + 1]
        )
        findings.append(
            Finding(
                kind=Kind.OVERDUE_CLUSTER,
                subject=f"overdue:organisation:{org_id}",
                period=period,
                level=ctx.level_for(n),
                title=_("超期积压：%(name)s %(n)d件调解超过期限") % {"name": name, "n": n},
                detail=_("%(name)s主持调解的%(n)d件案件已超过调解期限，请督办。")
                % {"name": name, "n": n},
                **{**_evidence(rows), "case_count": n},
            )
        )
    return findings


# --- Keywords (高危词语) ---------------------------------------------------------------------


def keyword(ctx: Context) -> list[Finding]:
    """New cases whose summary or description holds an active high-risk word (跳楼, 上访
    北京, 拉横幅 …). Incremental: reads only cases registered since the last scan's
    bookmark (``ScanState.keywords_read_to``, less a small overlap), or the last ``days``
    days on a county's first scan. The warning's level is the highest of its words'."""
    words = {k.word: k.level for k in RiskKeyword.objects.filter(active=True)}
    if not words:
        return []
    since = (
        ctx.keywords_read_to - KEYWORD_OVERLAP
        if ctx.keywords_read_to
        else ctx.until - timedelta(days=ctx.rule.days)
    )
    match = Q()
    for word in words:
        match |= Q(summary__contains=word) | Q(description__contains=word)
    rows = (
        Case.objects.filter(
            county=ctx.county, registered_at__gte=since, registered_at__lt=ctx.until
        )
        .filter(match)
        .order_by("registered_at", "id")
        .values_list("id", "number", "summary", "description")
    )
    findings = []
    for case_id, number, summary, description in rows:
        found = [w for w in words if w in summary or w in description]
        level = max((words[w] for w in found), key=LEVEL_RANK.__getitem__)
        quoted = _("、").join(f"“{w}”" for w in found)
        findings.append(
            Finding(
                kind=Kind.KEYWORD,
                subject=f"keyword:case:{case_id}",
                period="",
                level=level,
                title=_("高危词语%(words)s：%(number)s") % {"words": quoted, "number": number},
                detail=_("事项摘要：%(summary)s") % {"summary": summary},
                case_ids=[case_id],
                case_numbers=[number],
                case_count=1,
            )
        )
    return findings


# --- Petition risk (信访风险) ----------------------------------------------------------------


def petition_risk(ctx: Context) -> list[Finding]:
    """Petitions the petition window flagged when it accepted or declined them: repeat
    (重复信访), collective (集体访, five or more people) or over the county's head (越级信访).
    Each is a risk by itself, so one warning per petition case, at the rule's level;
    collective and skip-level ones are high (the petition window rates the case so too).

    Reads the petitions accepted, or first acted on, in the last ``days`` days. A declined
    petition still warns: the petitioner was sent elsewhere and may come back angrier.
    """
    since = ctx.until - timedelta(days=ctx.rule.days)
    rows = (
        Petition.objects.filter(case__county=ctx.county)
        .filter(Q(repeat=True) | Q(collective=True) | Q(skip_level=True))
        # The process row is written when the window first acts (accepts or declines):
        # a range on petitions.petition_flagged.
        .filter(created_at__gte=since, created_at__lt=ctx.until)
        .order_by("-created_at", "-id")
        .values_list(
            "case_id",
            "case__number",
            "case__summary",
            "case__involved_count",
            "state",
            "repeat",
            "collective",
            "skip_level",
        )
    )
    states = dict(Petition.State.choices)
    findings = []
    for case_id, number, summary, involved, state, repeat, collective, skip_level in rows:
        flags = _("、").join(
            str(label)
            for on, label in (
                (repeat, _("重复信访")),
                (collective, _("集体访")),
                (skip_level, _("越级信访")),
            )
            if on
        )
        detail = _("信访事项“%(summary)s”为%(flags)s") % {"summary": summary, "flags": flags}
        if collective and involved:
            detail += _("，涉及%(n)d人") % {"n": involved}
        detail += _("（信访办理状态：%(state)s）。请及早研判，落实包案化解，防止矛盾升级。") % {
            "state": states.get(state, state)
        }
        findings.append(
            Finding(
                kind=Kind.PETITION_RISK,
                subject=f"petition:{case_id}",
                period="",
                level=Level.HIGH if collective or skip_level else ctx.rule.level,
                title=_("信访风险：%(number)s %(flags)s") % {"number": number, "flags": flags},
                detail=detail,
                case_ids=[case_id],
                case_numbers=[number],
                case_count=1,
            )
        )
    return findings


RULES: dict[str, Callable[[Context], list[Finding]]] = {
    Kind.SURGE: surge,
    Kind.RESPONDENT_CLUSTER: respondent_cluster,
    Kind.REPEAT_VISITOR: repeat_visitor,
    Kind.OVERDUE_CLUSTER: overdue_cluster,
    Kind.KEYWORD: keyword,
    Kind.PETITION_RISK: petition_risk,
}
