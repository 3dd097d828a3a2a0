"""Case lists as Excel (openpyxl), with personal data masked: an export leaves the system.

Large ledgers with the county's monthly 台账 columns and a progress bar come with the
dashboard issue; this is the desk's export of what the list shows, capped at MAX_ROWS.
"""

from __future__ import annotations

from collections.abc import Iterable
from io import BytesIO

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from centre.validators import printable
from intake.models import Case, CaseParty

MAX_ROWS = 10_000


def _parties(case: Case, role: str) -> str:
    lines = []
    for cp in case.case_parties.all():
        if cp.role != role:
            continue
        party = cp.party
        ident = party.id_number_masked or party.credit_code or ""
        lines.append(" ".join(x for x in (party.name, ident, party.phone_masked) if x))
    return "\n".join(lines)


def case_list_xlsx(cases: Iterable[Case]) -> tuple[bytes, int]:
    """The workbook's bytes and the number of cases in it."""
    columns = [
        (_("案件编号"), 20),
        (_("登记日期"), 14),
        (_("来源渠道"), 10),
        (_("事项性质"), 10),
        (_("纠纷类别"), 18),
        (_("发生地"), 16),
        (_("申请人"), 36),
        (_("被申请人"), 36),
        (_("事项摘要"), 40),
        (_("涉及人数"), 8),
        (_("涉及金额（元）"), 14),
        (_("承办窗口"), 14),
        (_("状态"), 12),
        (_("风险等级"), 8),
        (_("群体性"), 8),
        (_("重复来访"), 8),
        (_("办结结果"), 12),
        (_("办结日期"), 14),
    ]
    book = Workbook()
    sheet = book.active
    sheet.title = _("案件清单")
    sheet.append([title for title, _width in columns])
    for i, (_title, width) in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = width
        sheet.cell(row=1, column=i).font = Font(bold=True)
    sheet.freeze_panes = "A2"
    yes, no = _("是"), _("否")
    count = 0
    for case in cases:
        category = case.category
        region = case.region
        # Text stored before control characters were refused at input (centre.validators)
        # must not make openpyxl fail the whole export (IllegalCharacterError).
        row = [
            case.number,
            timezone.localtime(case.registered_at).date(),
            case.get_channel_display(),
            case.get_nature_display(),
            f"{category.parent.name}/{category.name}" if category.parent_id else category.name,
            f"{region.parent.name} {region.name}" if region.parent_id else region.name,
            _parties(case, CaseParty.Role.APPLICANT),
            _parties(case, CaseParty.Role.RESPONDENT),
            case.summary,
            case.involved_count,
            float(case.amount) if case.amount is not None else None,
            case.window.name if case.window_id else "",
            case.get_state_display(),
            case.get_risk_level_display(),
            yes if case.risk_mass else no,
            yes if case.risk_repeat else no,
            case.get_outcome_display() if case.outcome else "",
            timezone.localtime(case.closed_at).date() if case.closed_at else None,
        ]
        sheet.append([printable(value) for value in row])
        count += 1
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        row[1].number_format = row[17].number_format = "yyyy-mm-dd"
    out = BytesIO()
    book.save(out)
    return out.getvalue(), count
