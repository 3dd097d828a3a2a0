"""The county's monthly 矛盾纠纷排查化解台账 as an Excel workbook.

Exactly the cases of the case list the requester may see, with the list's filters; personal
data masked (an export leaves the system, PIPL). Written with openpyxl's write-only mode and
read in keyset-paginated chunks, so that 100,000 rows take the memory of one chunk: each
row goes to a temporary file as it is written, strings inline (no shared-string table).
openpyxl is imported by the functions that write (the task), not by the web workers.
"""

from __future__ import annotations

import calendar
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from typing import IO, Any

from django.db import transaction
from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _

from centre import after_commit
from centre.models import Clock, County, Department, StaffProfile
from centre.validators import printable
from intake import selectors
from intake.identity import mask_id_number
from intake.models import Case, CaseParty
from mediation.models import Mediation, Participant
from risk.ledger.tasks import build_ledger
from risk.models import ExportJob

# The case list's GET parameters, which are also the ledger's (a job's ``params``).
PARAMS = (
    "state",
    "window",
    "category",
    "region",
    "risk",
    "from",
    "to",
    "q",
    # The dashboard's drill-downs.
    "channel",
    "county",
    "overdue",
    "outcome",
    "rate",  # a rate's denominator (intake.shares)
)
CHUNK_SIZE = 2000
DATE_FORMAT = 'yyyy"年"m"月"d"日"'


def _columns() -> list[tuple[str, int]]:
    return [
        (_("序号"), 6),
        (_("案件编号"), 19),
        (_("登记日期"), 15),
        (_("来源渠道"), 9),
        (_("纠纷类别"), 16),
        (_("发生地（乡镇/村社）"), 18),
        (_("当事人（申请人/被申请人）"), 42),
        (_("纠纷简要情况"), 36),
        (_("涉及人数"), 7),
        (_("涉及金额（元）"), 13),
        (_("风险等级/群体性/重复来访"), 14),
        (_("受理窗口/责任单位"), 18),
        (_("调解组织和调解员"), 26),
        (_("化解措施/当前状态"), 16),
        (_("化解结果"), 12),
        (_("办结日期"), 15),
        (_("办理天数"), 7),
        (_("是否按期"), 8),
        (_("备注"), 20),
    ]


def ledger_request(*, actor: Any, params: Mapping[str, str]) -> ExportJob:
    """The job for a ledger of ``params`` (the case list's filters, validated), sent to a
    worker once committed; the sweep sends it again if the broker is away."""
    with transaction.atomic():
        job = ExportJob.objects.create(
            kind=ExportJob.Kind.LEDGER,
            requested_by=actor,
            county_id=actor.staff.county_id,
            params=clean_params(params),
        )
        after_commit.send_on_commit(build_ledger, job.pk)
    return job


# --- Filters and title ---------------------------------------------------------------------


def clean_params(data: Mapping[str, Any]) -> dict[str, str]:
    """The non-empty case-list filters of a request, as stored on the job."""
    return {k: str(data.get(k, "")).strip() for k in PARAMS if str(data.get(k, "")).strip()}


def filters_from_params(params: Mapping[str, str]) -> selectors.CaseFilters:
    """The case list's filters from a job's params (validated when the job was made)."""
    return selectors.CaseFilters(
        state=params.get("state", ""),
        window=params.get("window", ""),
        category=params.get("category", ""),
        region=params.get("region", ""),
        risk=params.get("risk", ""),
        date_from=parse_date(params["from"]) if params.get("from") else None,
        date_to=parse_date(params["to"]) if params.get("to") else None,
        q=params.get("q", ""),
        channel=params.get("channel", ""),
        county=params.get("county", ""),
        overdue=params.get("overdue") == "1",
        outcome=params.get("outcome", ""),
        rate=params.get("rate", ""),
    )


def _day(d: date) -> str:
    return _("%(y)d年%(m)d月%(d)d日") % {"y": d.year, "m": d.month, "d": d.day}


def period_label(date_from: date | None, date_to: date | None, today: date) -> str:
    """A whole month reads 2026年11月, a whole year 2026年; other ranges by their days."""
    if date_from and date_to:
        if date_from.year == date_to.year and date_from.month == date_to.month:
            last = calendar.monthrange(date_to.year, date_to.month)[1]
            if date_from.day == 1 and date_to.day == last:
                return _("%(y)d年%(m)d月") % {"y": date_from.year, "m": date_from.month}
        whole_year = (date_from.month, date_from.day, date_to.month, date_to.day) == (1, 1, 12, 31)
        if date_from.year == date_to.year and whole_year:
            return _("%(y)d年") % {"y": date_from.year}
        return _("%(from)s至%(to)s") % {"from": _day(date_from), "to": _day(date_to)}
    if date_from:
        return _("%(from)s起") % {"from": _day(date_from)}
    return _("截至%(to)s") % {"to": _day(date_to or today)}


def area_name(profile: StaffProfile | None) -> str:
    """The county, or the city or province of a leader who reads the counties under them."""
    if profile is None:
        return ""
    county = profile.county
    return {
        StaffProfile.Scope.CITY: county.city_name,
        StaffProfile.Scope.PROVINCE: county.province_name,
    }.get(profile.scope, county.name)


def ledger_title(area: str, filters: selectors.CaseFilters, today: date) -> str:
    period = period_label(filters.date_from, filters.date_to, today)
    return _("%(area)s矛盾纠纷排查化解台账（%(period)s）") % {"area": area, "period": period}


# --- Reading the cases ---------------------------------------------------------------------


def ledger_cases(user: Any, filters: selectors.CaseFilters) -> QuerySet[Case]:
    """The case list's queryset (the user's cases, the list's filters), oldest first as a
    ledger reads, with the places and categories the rows name."""
    return (
        selectors.case_list(user, filters)
        .select_related("category__parent", "region__parent__parent")
        .order_by("registered_at", "id")
    )


def case_chunks(qs: QuerySet[Case], chunk_size: int = CHUNK_SIZE) -> Iterator[list[Case]]:
    """Keyset pagination on (registered_at, id): each chunk is a short query of its own
    (no cursor held open across the whole export, no OFFSET growing with the page)."""
    last = None
    while True:
        page = qs
        if last is not None:
            at, pk = last
            page = qs.filter(Q(registered_at__gt=at) | Q(registered_at=at, pk__gt=pk))
        chunk = list(page[:chunk_size])
        if not chunk:
            return
        yield chunk
        if len(chunk) < chunk_size:
            return
        last = (chunk[-1].registered_at, chunk[-1].pk)


@dataclass
class _Related:
    """What a chunk of rows needs beyond the cases, in two queries for the whole chunk."""

    mediations: dict[int, Mediation]
    clocks: dict[str, list[Clock]]

    @classmethod
    def load(cls, cases: list[Case]) -> _Related:
        active = Participant.objects.filter(removed_at__isnull=True).select_related(
            "organisation", "mediator"
        )
        mediations = Mediation.objects.filter(case_id__in=[c.pk for c in cases]).only(
            "case_id", "linkage"
        )
        clocks: dict[str, list[Clock]] = defaultdict(list)
        for clock in Clock.objects.filter(case_number__in=[c.number for c in cases]).only(
            "case_number", "due_on", "stopped_at", "paused_at", "overdue_since", "unlimited"
        ):
            clocks[clock.case_number].append(clock)
        return cls(
            mediations={
                m.case_id: m
                for m in mediations.prefetch_related(Prefetch("participants", queryset=active))
            },
            clocks=clocks,
        )


# --- Rows ----------------------------------------------------------------------------------


def _clean(text: str) -> str:
    # Control characters are not allowed in a worksheet's XML; text stored before they
    # were refused at input (centre.validators) still makes a ledger.
    return printable(text)


class _Rows:
    """Turns cases into rows of values; labels resolved once, not per row (the choices'
    lazy translations are rebuilt on every get_FOO_display())."""

    def __init__(self, sheet: Any, today: date, departments: dict[tuple[int, int], str]):
        # openpyxl is loaded by the task that writes, not by every web worker.
        from openpyxl.cell import WriteOnlyCell
        from openpyxl.styles import Alignment

        self.new_cell = WriteOnlyCell
        self.sheet, self.today, self.departments = sheet, today, departments
        self.channels = {k: str(v) for k, v in Case.Channel.choices}
        self.states = {k: str(v) for k, v in Case.State.choices}
        self.levels = {k: str(v) for k, v in Case.RiskLevel.choices}
        self.outcomes = {k: str(v) for k, v in Case.Outcome.choices}
        self.linkages = {k: str(v) for k, v in Mediation.Linkage.choices}
        self.roles = {k: str(v) for k, v in CaseParty.Role.choices}
        self.words = {
            "mass": _("群体性"),
            "repeat": _("重复来访"),
            "lead": _("主持"),
            "overdue": _("超期"),
            "on_time": _("按期"),
            "running": _("未到期"),
            "risk": _("%(level)s风险"),
        }
        self.wrap = self._style(alignment=Alignment(wrap_text=True, vertical="top"))
        self.day = self._style(
            number_format=DATE_FORMAT, alignment=Alignment(vertical="top", horizontal="left")
        )
        self.money = self._style(number_format="#,##0.00", alignment=Alignment(vertical="top"))
        self.top = self._style(alignment=Alignment(vertical="top"))

    def _style(self, **attrs: Any) -> Any:
        """A style made once and shared by every cell that uses it."""
        proto = self.new_cell(self.sheet)
        for name, value in attrs.items():
            setattr(proto, name, value)
        return proto._style

    def cell(self, value: Any, style: Any) -> Any:
        cell = self.new_cell(self.sheet, _clean(value) if isinstance(value, str) else value)
        if isinstance(value, str) and value.startswith("="):
            # Text a resident typed is never a formula.
            cell.data_type = "s"
        cell._style = style
        return cell

    def parties(self, case: Case) -> str:
        lines = []
        for cp in case.case_parties.all():
            party = cp.party
            ident = party.id_number_masked or (
                mask_id_number(party.credit_code) if party.credit_code else ""
            )
            who = " ".join(x for x in (party.name, ident, party.phone_masked) if x)
            lines.append(f"{self.roles[cp.role]}：{who}")
        return "\n".join(lines)

    @staticmethod
    def place(case: Case) -> str:
        names, region = [], case.region
        while region is not None:
            names.append(region.name)
            region = region.parent if region.parent_id else None
        return "/".join(reversed(names))

    def risk(self, case: Case) -> str:
        parts = [self.words["risk"] % {"level": self.levels[case.risk_level]}]
        if case.risk_mass:
            parts.append(self.words["mass"])
        if case.risk_repeat:
            parts.append(self.words["repeat"])
        return "/".join(parts)

    def window(self, case: Case) -> str:
        if not case.window_id:
            return ""
        department = self.departments.get((case.county_id, case.window_id))
        return f"{case.window.name}/{department}" if department else case.window.name

    def mediators(self, mediation: Mediation | None) -> str:
        if mediation is None:
            return ""
        by_org: dict[str, list[str]] = {}
        for p in mediation.participants.all():
            name = p.mediator.name + (f"（{self.words['lead']}）" if p.is_lead else "")
            by_org.setdefault(p.organisation.name, []).append(name)
        return "\n".join(f"{org}：{'、'.join(names)}" for org, names in by_org.items())

    def measures(self, case: Case, mediation: Mediation | None) -> str:
        state = self.states[case.state]
        if mediation is not None and mediation.linkage:
            return f"{self.linkages[mediation.linkage]}/{state}"
        return state

    def on_time(self, case: Case, clocks: list[Clock]) -> str:
        """超期 if a clock of the case ran past its due date (flagged by the scan, stopped
        late, or running past it before the next scan); otherwise 按期 once closed."""
        timed = [c for c in clocks if not c.unlimited]
        for c in timed:
            stopped = timezone.localdate(c.stopped_at) if c.stopped_at else None
            if (
                c.overdue_since
                or (stopped and stopped > c.due_on)
                or (not stopped and not c.paused_at and c.due_on < self.today)
            ):
                return self.words["overdue"]
        if case.state == Case.State.CLOSED:
            return self.words["on_time"]
        return self.words["running"] if timed else ""

    def row(self, n: int, case: Case, related: _Related) -> list[Any]:
        registered = timezone.localdate(case.registered_at)
        closed = timezone.localdate(case.closed_at) if case.closed_at else None
        mediation = related.mediations.get(case.pk)
        category = case.category
        wrap, top = self.wrap, self.top
        return [
            n,
            self.cell(case.number, top),
            self.cell(registered, self.day),
            self.cell(self.channels[case.channel], top),
            self.cell(
                f"{category.parent.name}/{category.name}" if category.parent_id else category.name,
                wrap,
            ),
            self.cell(self.place(case), wrap),
            self.cell(self.parties(case), wrap),
            self.cell(case.summary, wrap),
            self.cell(case.involved_count, top),
            self.cell(float(case.amount), self.money) if case.amount is not None else None,
            self.cell(self.risk(case), wrap),
            self.cell(self.window(case), wrap),
            self.cell(self.mediators(mediation), wrap),
            self.cell(self.measures(case, mediation), wrap),
            self.cell(self.outcomes[case.outcome], top) if case.outcome else None,
            self.cell(closed, self.day) if closed else None,
            self.cell(((closed or self.today) - registered).days, top),
            self.cell(self.on_time(case, related.clocks.get(case.number, [])), top),
            self.cell(case.risk_reason, wrap) if case.risk_reason else None,
        ]


# --- The workbook --------------------------------------------------------------------------


def _header(sheet: Any, title: str, columns: list[tuple[str, int]]) -> None:
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter

    last = get_column_letter(len(columns))
    for i, (_label, width) in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = width
    # A write-only sheet writes its view and columns with the first row: set them first.
    sheet.freeze_panes = "C3"  # the title, the header and the number columns stay in view
    sheet.print_title_rows = "2:2"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = "9"  # A4 (ECMA-376 paper size codes)
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_options.horizontalCentered = True
    sheet.page_margins.left = sheet.page_margins.right = 0.4
    sheet.page_margins.top = sheet.page_margins.bottom = 0.5
    sheet.row_dimensions[1].height = 32
    sheet.row_dimensions[2].height = 30
    heading = WriteOnlyCell(sheet, title)
    heading.font = Font(name="宋体", size=16, bold=True)
    heading.alignment = Alignment(horizontal="center", vertical="center")
    sheet.append([heading])
    sheet.merged_cells.add(f"A1:{last}1")
    thin = Side(style="thin", color="808080")
    header_style = None
    row = []
    for label, _width in columns:
        cell = WriteOnlyCell(sheet, label)
        if header_style is None:
            cell.font = Font(bold=True)
            cell.fill = PatternFill("solid", fgColor="D9E1F2")
            cell.border = Border(left=thin, right=thin, top=thin, bottom=thin)
            cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
            header_style = cell._style
        else:
            cell._style = header_style
        row.append(cell)
    sheet.append(row)


def _departments() -> dict[tuple[int, int], str]:
    """Each county's departments by the window they sit at (责任单位), one small query."""
    found: dict[tuple[int, int], list[str]] = defaultdict(list)
    for county_id, window_id, name in Department.objects.filter(window__isnull=False).values_list(
        "county_id", "window_id", "name"
    ):
        found[(county_id, window_id)].append(name)
    return {key: "、".join(names) for key, names in found.items()}


def write_ledger(
    out: str | IO[bytes],
    *,
    title: str,
    chunks: Iterable[list[Case]],
    on_chunk: Callable[[int], None] | None = None,
    today: date | None = None,
) -> int:
    """Write the workbook to ``out`` (a path or a binary file); ``on_chunk(rows so far)``
    after each chunk. Returns the number of cases written."""
    from openpyxl import Workbook

    today = today or timezone.localdate()
    book = Workbook(write_only=True)
    book.properties.creator = _("矛调中心")
    book.properties.title = title
    sheet = book.create_sheet(_("台账"))
    columns = _columns()
    _header(sheet, title, columns)
    rows = _Rows(sheet, today, _departments())
    n = 0
    for chunk in chunks:
        related = _Related.load(chunk)
        for case in chunk:
            n += 1
            sheet.append(rows.row(n, case, related))
        if on_chunk is not None:
            on_chunk(n)
    book.save(out)
    return n


def ledger_xlsx(
    out: str | IO[bytes],
    *,
    user: Any,
    params: Mapping[str, str],
    on_chunk: Callable[[int], None] | None = None,
    chunk_size: int | None = None,
    today: date | None = None,
) -> int:
    """The ledger of what ``user`` may see with the list's filters ``params``, written to
    ``out``; the number of cases. ``today``: the day the ledger was asked for."""
    filters = filters_from_params(params)
    today = today or timezone.localdate()
    return write_ledger(
        out,
        title=job_title(user, params, today),
        chunks=case_chunks(ledger_cases(user, filters), chunk_size or CHUNK_SIZE),
        on_chunk=on_chunk,
        today=today,
    )


def job_title(user: Any, params: Mapping[str, str], today: date) -> str:
    """The ledger's title for ``user`` (their county, or city/province; the county a city
    leader chose) and ``params``."""
    profile = getattr(user, "staff", None)  # a missing profile raises an AttributeError
    area = area_name(profile)
    if params.get("county") and profile is not None and profile.county.code != params["county"]:
        area = County.objects.filter(code=params["county"]).values_list("name", flat=True).first()
    return ledger_title(area or "", filters_from_params(params), today)
