"""Ledger (台账) exports: ask for one with the case list's filters, watch its progress, download
it. Anyone who may read the county's case list (``intake.view_case``: clerks, supervisors,
leaders) may export it; a job is seen and downloaded by its requester only (others get 404).
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from centre.access import desk_required
from centre.models import AuditLog
from centre.services import audit_record
from centre.validators import day_in_range, refused_characters
from intake import list_filters
from risk.ledger import export
from risk.models import ExportJob

RECENT = 20


def _date_errors(params: dict[str, str]) -> list[tuple[str, str]]:
    """A message naming the field and the rule for each date that is not a day."""
    labels, errors = {"from": _("登记日期自"), "to": _("登记日期至")}, []
    for key in ("from", "to"):
        value = params.get(key)
        try:
            day = parse_date(value) if value else None
            # A day near date.max would overflow the period's arithmetic (9999-12-31).
            valid = not value or (day is not None and day_in_range(day))
        except ValueError:  # well formed but not a day (2026-02-30)
            valid = False
        if not valid:
            message = _("%(field)s：“%(value)s”不是有效日期，请按“年-月-日”填写")
            errors.append((message % {"field": labels[key], "value": value}, key))
    return errors


# The case list keeps a search of 100 characters (intake.views); codes are shorter still.
PARAM_MAX_LENGTH = 100
PARAM_LABELS = {
    "state": gettext_lazy("状态"),
    "window": gettext_lazy("窗口"),
    "category": gettext_lazy("纠纷类别"),
    "region": gettext_lazy("乡镇/村社"),
    "risk": gettext_lazy("风险"),
    "q": gettext_lazy("搜索"),
    "channel": gettext_lazy("来源渠道"),
    "county": gettext_lazy("县（市、区）"),
    "overdue": gettext_lazy("超期"),
    "outcome": gettext_lazy("办结结果"),
    "rate": gettext_lazy("指标"),
}


def _text_errors(params: dict[str, str]) -> list[tuple[str, str]]:
    """A message naming the filter and the rule for each that is too long or holds an
    invisible control character (a NUL byte the job's JSON column cannot store)."""
    errors = []
    for key, label in PARAM_LABELS.items():
        value = params.get(key, "")
        if len(value) > PARAM_MAX_LENGTH:
            message = _("%(field)s：最多%(limit)d个字") % {
                "field": label,
                "limit": PARAM_MAX_LENGTH,
            }
            errors.append((message, key))
        elif refused_characters(value):
            errors.append((_("%(field)s：含有不可见的控制字符") % {"field": label}, key))
    return errors


def _describe(params: dict[str, str]) -> list[tuple[str, str]]:
    """The job's filters in words, as the case list says them (places by name, not code)."""
    filters = export.filters_from_params(params)
    region = list_filters.place(filters.region, [])
    county = list_filters.county_name(filters.county)
    described = list_filters.described(
        filters, region=region, county=county, raw_region=filters.region
    )
    if filters.q:
        described.append((_("搜索"), filters.q))
    return described


def _job_for(request: HttpRequest, pk: int) -> ExportJob:
    """The requester's own ledger job; anyone else's is 404, not a hint that it exists."""
    return get_object_or_404(
        ExportJob, pk=pk, requested_by=request.user, kind=ExportJob.Kind.LEDGER
    )


def _context(request: HttpRequest, job: ExportJob) -> dict:
    today = timezone.localdate(job.created_at)
    return {
        "job": job,
        "title": export.job_title(request.user, job.params, today),
        "filters": _describe(job.params),
        "expired": job.status == ExportJob.Status.DONE and not job.file,
    }


@desk_required("intake.view_case")
def ledgers(request: HttpRequest) -> HttpResponse:
    """GET: the user's recent ledgers. POST: a new one with the case list's filters."""
    if getattr(request.user, "staff", None) is None:
        raise PermissionDenied  # no county: nothing to export
    if request.method == "POST":
        params = export.clean_params(request.POST)
        errors = _text_errors(params) + _date_errors(params)
        if errors:
            for error, key in errors:
                messages.error(request, error)
                params.pop(key)
            return redirect(f"{reverse('intake:cases')}?{urlencode(params)}")
        job = export.ledger_request(actor=request.user, params=params)
        return redirect("risk:ledger", pk=job.pk)
    jobs = ExportJob.objects.filter(requested_by=request.user, kind=ExportJob.Kind.LEDGER)[:RECENT]
    rows = [_context(request, job) for job in jobs]
    return render(request, "risk/ledger_list.html", {"rows": rows})


@desk_required("intake.view_case")
def ledger_page(request: HttpRequest, pk: int) -> HttpResponse:
    return render(request, "risk/ledger_job.html", _context(request, _job_for(request, pk)))


@desk_required("intake.view_case")
def ledger_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """The progress partial the job page polls (htmx) until the job is done or failed."""
    return render(request, "risk/ledger_progress.html", _context(request, _job_for(request, pk)))


@desk_required("intake.view_case")
def ledger_download(request: HttpRequest, pk: int) -> HttpResponse:
    job = _job_for(request, pk)
    if job.status != ExportJob.Status.DONE or not job.file:
        raise Http404
    try:
        handle = job.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    title = export.job_title(request.user, job.params, timezone.localdate(job.created_at))
    audit_record(
        actor=request.user,
        action=AuditLog.Action.EXPORT,
        request=request,
        obj=job,
        detail={"what": "ledger", "rows": job.total, "filters": job.params},
    )
    return FileResponse(handle, as_attachment=True, filename=f"{title}.xlsx")
