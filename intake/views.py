"""Pages of the intake desk: registration, case lists, the case page (the public progress
page is intake.public_views). Thin: parse, check, call a service or selector, render."""

from __future__ import annotations

import contextlib
import secrets
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from centre import selectors as centre_selectors
from centre.access import desk_required
from centre.models import AuditLog, Category, Region
from centre.services import audit_record
from centre.throttles import UserThrottle
from centre.validators import day_in_range, out_of_range_message
from intake import (
    case_clocks,
    documents,
    list_filters,
    selectors,
    services,
    shares,
    triage,
    workflow,
)
from intake.access import access_case_for, can_see_personal_data, visible_cases
from intake.forms import (
    CHECKED_FIELDS,
    PARTY_PREFIX_RE,
    AttachmentForm,
    CaseForm,
    PartyForm,
    PartyFormSet,
    RiskForm,
    case_input,
    error_summary,
    initial_parties,
    party_field_error,
)
from intake.identity import IdType, normalize_id_number, normalize_phone
from intake.list_rows import case_rows, row_values
from intake.models import Case, CaseDocument, CaseParty, Party
from intake.panels import render_panels

DESK = "centre.use_intake_desk"
PAGE_SIZE = 50
COUNT_CAP = 10_000


class CappedPaginator(Paginator):
    """Counts matching cases up to COUNT_CAP only: beyond it the exact number costs a scan
    of every matching row (hundreds of milliseconds at a million cases) and helps no one
    paging through 50 at a time; the dashboard has the exact figures, the ledger all rows."""

    @cached_property
    def count(self) -> int:
        # Only the keys: the count needs none of the joined columns the rows show.
        return self.object_list.order_by().values("pk")[: COUNT_CAP + 1].count()

    @property
    def capped(self) -> bool:
        return self.count > COUNT_CAP


def _county(request: HttpRequest):
    profile = centre_selectors.staff_profile(request.user)
    if profile is None:
        raise Http404
    return profile


@desk_required(DESK)
def desk(request: HttpRequest) -> HttpResponse:
    """Register a walk-in: the case, its parties, attachments; then the receipt."""
    profile = _county(request)
    if request.method == "POST":
        case_form = CaseForm(request.POST, county=profile.county)
        parties = PartyFormSet(request.POST, prefix="parties")
        if case_form.is_valid() and parties.is_valid():
            if not request.user.has_perm("intake.register_case"):
                raise Http404
            try:
                case = services.case_register(
                    actor=request.user,
                    county=profile.county,
                    data=case_input(case_form, parties),
                    attachments=request.FILES.getlist("attachments"),
                )
            except ValidationError as exc:
                _attach_errors(exc, case_form, parties)
            else:
                # The tag shows the case page's 打印回执 / 登记下一件 buttons.
                messages.success(
                    request,
                    _("登记成功，案件编号%(number)s") % {"number": case.number},
                    extra_tags="registered",
                )
                return redirect("intake:case", number=case.number)
    else:
        case_form = CaseForm(county=profile.county)
        parties = PartyFormSet(prefix="parties", initial=initial_parties())
    from centre.models import DeadlineRule

    failed = request.method == "POST"

    return render(
        request,
        "intake/desk.html",
        {
            "rules": DeadlineRule.objects.filter(active=True).order_by("name"),
            "profile": profile,
            "case_form": case_form,
            "parties": parties,
            "errors": error_summary(case_form, parties) if failed else [],
            "suggestion": _suggest(request.POST) if failed else None,
            "lost_files": [f.name for f in request.FILES.getlist("attachments")],
            "today": visible_cases(request.user)
            .filter(registered_by=request.user)
            .select_related(*selectors.LIST_RELATED)
            .order_by("-registered_at")[:10],
        },
    )


def _attach_errors(exc: ValidationError, case_form: CaseForm, parties) -> None:
    """Service errors are keyed like ``parties[1].id_number``: put each on its field.
    An error without a field (a refused attachment) goes to the top of the form."""
    errors = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
    for key, messages_ in errors.items():
        if key.startswith("parties[") and "." in key:
            index, field = key[len("parties[") :].split("].", 1)
            form = parties.forms[int(index)]
            for message in messages_:
                form.add_error(field if field in form.fields else None, message)
        elif key == "parties":
            parties._non_form_errors = parties.error_class(messages_)
        else:
            field = "town" if key == "region" else key  # the place is picked as town/village
            for message in messages_:
                case_form.add_error(field if field in case_form.fields else None, message)


@desk_required(DESK)
@require_GET
def party_form(request: HttpRequest) -> HttpResponse:
    """One more empty party row for the desk's formset (htmx)."""
    try:
        index = int(request.GET.get("index", "0"))
    except ValueError:
        index = 0
    form = PartyForm(prefix=f"parties-{index}", initial={"role": CaseParty.Role.RESPONDENT})
    return render(
        request, "intake/_party_form.html", {"form": form, "index": index, "next_total": index + 1}
    )


@desk_required(DESK)
@require_POST
def party_lookup(request: HttpRequest) -> HttpResponse:
    """As the clerk types an ID number or phone: that party's earlier cases (重复来访).
    A POST: the values travel in the body, never in a URL."""
    prefix = request.POST.get("prefix", "")
    raw_id = request.POST.get(f"{prefix}-id_number", "").strip()
    raw_phone = request.POST.get(f"{prefix}-phone", "").strip()
    id_type = request.POST.get(f"{prefix}-id_type", "") or IdType.RESIDENT_ID
    # Half-typed numbers are normal while typing: they simply match nothing yet.
    id_number = phone = ""
    with contextlib.suppress(ValidationError):
        id_number = normalize_id_number(id_type, raw_id) if raw_id else ""
    with contextlib.suppress(ValidationError):
        phone = normalize_phone(raw_phone) if raw_phone else ""
    parties = selectors.party_by_identity(id_type=id_type, id_number=id_number, phone=phone)
    cases = selectors.party_history(request.user, parties) if parties else []
    # A person known by the ID number typed (not by a shared phone) can be filled in.
    known = next(
        (
            p
            for p in selectors.party_by_identity(id_type=id_type, id_number=id_number)
            if p.kind == Party.Kind.PERSON
        ),
        None,
    )
    return render(
        request,
        "intake/_party_history.html",
        {"parties": parties, "cases": cases, "known": known, "prefix": prefix},
    )


@desk_required(DESK)
@require_POST
def field_check(request: HttpRequest) -> JsonResponse:
    """As the clerk types (desk.js): the message the form would give one party field
    (ID number, phone, credit code), from the form's own validators. A POST: the values
    travel in the body, never in a URL; the answer holds no personal data."""
    if not UserThrottle().allow_request(request, None):
        return JsonResponse({"message": _("请求过于频繁，请稍后再试")}, status=429)
    prefix = request.POST.get("prefix", "")
    field = request.POST.get("field", "")
    if field not in CHECKED_FIELDS or not PARTY_PREFIX_RE.fullmatch(prefix):
        return JsonResponse({"message": _("无法检查该字段")}, status=400)
    message = party_field_error(request.POST, prefix=prefix, field=field)
    return JsonResponse({"field": field, "valid": not message, "message": message})


@desk_required(DESK)
@require_POST
def party_fill(request: HttpRequest) -> JsonResponse:
    """The known party's name, address and phone for the row whose ID number was typed
    (desk.js, after the clerk asks for it). Found again by that number, never by a key a
    client could walk through; audited as the case page's reveal is."""
    if not UserThrottle().allow_request(request, None):
        return JsonResponse({"message": _("请求过于频繁，请稍后再试")}, status=429)
    prefix = request.POST.get("prefix", "")
    id_type = request.POST.get(f"{prefix}-id_type", "") or IdType.RESIDENT_ID
    try:
        id_number = normalize_id_number(id_type, request.POST.get(f"{prefix}-id_number", ""))
    except ValidationError:
        return JsonResponse({"message": _("证件号码有误")}, status=400)
    party = next(
        (
            p
            for p in selectors.party_by_identity(id_type=id_type, id_number=id_number)
            if p.kind == Party.Kind.PERSON
        ),
        None,
    )
    if party is None:
        return JsonResponse({"message": _("未找到该当事人")}, status=404)
    values = services.party_reveal_at_desk(
        actor=request.user, party=party, county=_county(request).county, request=request
    )
    return JsonResponse(values)


@desk_required(DESK)
@require_GET
def suggestion(request: HttpRequest) -> HttpResponse:
    """The suggested window for the nature and category chosen so far (htmx)."""
    suggestion = _suggest(request.GET)
    if suggestion is None:
        return HttpResponse("")
    return render(request, "intake/_suggestion.html", {"suggestion": suggestion})


def _suggest(params):
    nature = params.get("nature", "")
    if nature not in Case.Nature.values:
        return None
    category = Category.objects.filter(code=params.get("category", "")).first()
    return triage.suggest(nature=nature, category=category)


@desk_required(DESK)
@require_GET
def villages(request: HttpRequest) -> HttpResponse:
    """The villages/communities of a town, for the cascading region picker (htmx)."""
    town = request.GET.get("town", "")
    options = (
        Region.objects.filter(parent__code=town, level=Region.Level.VILLAGE).order_by("code")
        if town
        else []
    )
    return render(request, "intake/_village_options.html", {"villages": options})


def _day(request: HttpRequest, name: str):
    """A date parameter; one that is not a real date is ignored and named in a message."""
    raw = request.GET.get(name, "")
    if not raw:
        return None
    try:
        value = parse_date(raw)
    except ValueError:  # well formed but impossible, e.g. 2026-02-30
        value = None
    if not day_in_range(value):  # a day after it would overflow (9999-12-31)
        value = None
    if value is None:
        label = _("登记日期自") if name == "from" else _("登记日期至")
        messages.warning(
            request,
            _("%(field)s「%(value)s」不是有效日期，已忽略") % {"field": label, "value": raw},
        )
    return value


# The search text is POSTed and kept in the session under a random key: a full ID number
# or phone typed into the search never travels in a URL (proxy and browser history keep
# those). The list's links carry the key.
SEARCH_KEY = "s"
_SEARCHES = "case_searches"
_SEARCHES_KEPT = 20


def _search_keep(request: HttpRequest, text: str) -> str:
    searches = dict(request.session.get(_SEARCHES, {}))
    key = secrets.token_urlsafe(6)
    searches[key] = text[:100]
    request.session[_SEARCHES] = dict(list(searches.items())[-_SEARCHES_KEPT:])
    return key


def _search_text(request: HttpRequest) -> str:
    key = request.GET.get(SEARCH_KEY, "")
    if key:
        return request.session.get(_SEARCHES, {}).get(key, "")
    return request.GET.get("q", "")


def _filters(request: HttpRequest) -> selectors.CaseFilters:
    g = request.GET
    return selectors.CaseFilters(
        state=g.get("state", ""),
        window=g.get("window", ""),
        category=g.get("category", ""),
        region=g.get("region", ""),
        risk=g.get("risk", ""),
        date_from=_day(request, "from"),
        date_to=_day(request, "to"),
        q=_search_text(request),
        sort=g.get("sort", ""),
        channel=g.get("channel", ""),
        county=g.get("county", ""),
        overdue=g.get("overdue") == "1",
        outcome=g.get("outcome", ""),
        rate=_rate(request),
    )


def _rate(request: HttpRequest) -> str:
    """A rate's drill-down (intake.shares); one that does not exist is named and ignored."""
    key = request.GET.get("rate", "")
    if key and shares.get(key) is None:
        messages.warning(request, _("指标「%(value)s」不存在，已忽略") % {"value": key})
        return ""
    return key


def case_list(request: HttpRequest) -> HttpResponse:
    """Cases of the user's county (or assigned to them), filtered, paginated, masked. The
    filter form is POSTed: its search text is kept in the session (see SEARCH_KEY)."""
    if not request.user.is_authenticated:
        return redirect(f"{reverse('login')}?next={request.path}")
    if request.method == "POST":
        params = {
            k: v
            for k, v in request.POST.items()
            if v and k not in ("csrfmiddlewaretoken", "q", SEARCH_KEY)
        }
        text = request.POST.get("q", "").strip()
        if text:
            params[SEARCH_KEY] = _search_keep(request, text)
        return redirect(f"{reverse('intake:cases')}?{urlencode(params)}")
    filters = _filters(request)
    share = shares.get(filters.rate)
    listed = selectors.case_list(request.user, filters)
    cases = row_values(listed, counted=share is not None)
    page = CappedPaginator(cases, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    case_url = reverse("intake:case", args=["0"])[:-2]
    return render(
        request,
        "intake/case_list.html",
        {
            "page": page,
            "rows": case_rows(list(page.object_list), case_url),
            "query": query.urlencode(),
            "g": request.GET,
            "q": _search_text(request),
            "states": Case.State.choices,
            "windows": centre_selectors.window_list(),
            "categories": centre_selectors.top_categories(),
            "risks": [("mass", _("群体性")), ("repeat", _("重复来访")), *Case.RiskLevel.choices],
            "channels": Case.Channel.choices,
            "count_cap": COUNT_CAP,
            "share": share,
            "share_counts": selectors.share_counts(listed, share) if share else None,
            **list_filters.context(request.user, filters),
        },
    )


def case_export(request: HttpRequest) -> HttpResponse:
    """The filtered list as Excel, masked, capped; each export is audited."""
    # openpyxl costs each web worker ~8 MB: loaded by the first export, not at start-up.
    from intake import exports

    if not request.user.is_authenticated:
        return redirect(f"{reverse('login')}?next={request.path}")
    filters = _filters(request)
    cases = selectors.case_list(request.user, filters).select_related(
        "category__parent", "region__parent"
    )[: exports.MAX_ROWS]
    content, count = exports.case_list_xlsx(cases)
    audit_record(
        actor=request.user,
        action=AuditLog.Action.EXPORT,
        request=request,
        detail={
            "what": "case_list",
            "rows": count,
            "filters": {k: v for k, v in request.GET.items() if v},
        },
    )
    name = f"cases-{timezone.localdate():%Y%m%d}.xlsx"
    response = HttpResponse(
        content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def case_page(request: HttpRequest, number: str) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect(f"{reverse('login')}?next={request.path}")
    case = selectors.case_detail(access_case_for(request.user, number))
    steps, apart = workflow.arrange(case, workflow.available(case, request.user))
    return render(
        request,
        "intake/case.html",
        {
            "case": case,
            "lead": steps[0].name if steps else "",
            "transitions": [
                (spec, spec.form(case=case, auto_id=f"id_{spec.name}_%s"))
                for spec in steps
                if not spec.panel_only
            ],
            "panel_transitions": [spec for spec in steps if spec.panel_only],
            "destructive": [
                (spec, spec.form(case=case, auto_id=f"id_{spec.name}_%s")) for spec in apart
            ],
            "panels": render_panels(request, case),
            "clocks": case_clocks.clocks_of(case),
            "can_manage_clocks": request.user.has_perm("centre.supervise_windows"),
            "can_reveal": can_see_personal_data(request.user, case),
            "can_raise_risk": request.user.has_perm("intake.raise_risk_case")
            and case.risk_level != Case.RiskLevel.HIGH,
            "risk_form": RiskForm(initial={"level": Case.RiskLevel.HIGH}),
            "can_attach": request.user.has_perm("intake.add_attachment") and case.is_open,
            "attachment_form": AttachmentForm(),
        },
    )


@require_POST
def case_transition(request: HttpRequest, number: str, name: str) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect("login")
    try:
        version = int(request.POST.get("version", ""))
    except ValueError:
        version = None
    data = request.POST.copy()
    data.pop("version", None)
    spec = workflow.REGISTRY.get(name)
    # The page asks to confirm a step that ends the case unresolved (a box to tick, no
    # script needed); the API's callers say what they mean already.
    if spec is not None and spec.destructive and not data.pop("confirmed", None):
        messages.error(request, _("请勾选「确认%(action)s」后再提交") % {"action": spec.label})
        return redirect("intake:case", number=number)
    try:
        case = workflow.fire(
            actor=request.user, number=number, name=name, data=data, version=version
        )
    except workflow.TransitionError as exc:
        detail = "; ".join(e["message"] for errs in exc.errors.values() for e in errs)
        messages.error(request, f"{exc.message}{('：' + detail) if detail else ''}")
        status = exc.status
        if status == 403:
            return render(request, "403.html", status=403)
    else:
        messages.success(request, workflow.done_message(case, name))
    return redirect("intake:case", number=number)


@require_POST
def party_reveal(request: HttpRequest, number: str, pk: int) -> HttpResponse:
    """Show one party's full ID number and phone (htmx), audited."""
    if not request.user.is_authenticated:
        raise Http404
    case = access_case_for(request.user, number)
    if not can_see_personal_data(request.user, case):
        return HttpResponse(_("无权查看完整个人信息"), status=403)
    case_party = get_object_or_404(CaseParty.objects.select_related("party"), pk=pk, case=case)
    values = services.party_reveal(
        actor=request.user, case=case, party=case_party.party, request=request
    )
    return render(
        request,
        "intake/_party_row.html",
        {"cp": case_party, "revealed": values, "case": case, "can_reveal": True},
    )


@require_POST
def case_raise_risk(request: HttpRequest, number: str) -> HttpResponse:
    if not request.user.is_authenticated:
        raise Http404
    case = access_case_for(request.user, number)
    if not request.user.has_perm("intake.raise_risk_case"):
        return render(request, "403.html", status=403)
    form = RiskForm(request.POST)
    if form.is_valid():
        try:
            services.case_raise_risk(actor=request.user, case=case, **form.cleaned_data)
            messages.success(request, _("风险等级已调整"))
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
    else:
        messages.error(request, _("请填写风险等级和理由"))
    return redirect("intake:case", number=number)


@require_POST
def attachment_upload(request: HttpRequest, number: str) -> HttpResponse:
    if not request.user.is_authenticated:
        raise Http404
    case = access_case_for(request.user, number)
    if not request.user.has_perm("intake.add_attachment"):
        return render(request, "403.html", status=403)
    form = AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.attachment_add(actor=request.user, case=case, upload=form.cleaned_data["file"])
            messages.success(request, _("附件已上传"))
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
    else:
        messages.error(request, _("请选择要上传的文件"))
    return redirect("intake:case", number=number)


def receipt_print(request: HttpRequest, number: str) -> HttpResponse:
    """The case's receipt to print (the success panel's 打印回执); while it is still being
    rendered, back to the case page, which shows it when ready."""
    if not request.user.is_authenticated:
        raise Http404
    case = access_case_for(request.user, number)
    receipt = case.documents.filter(
        kind=CaseDocument.Kind.RECEIPT, status=CaseDocument.Status.READY
    ).first()
    if receipt is None:
        messages.info(request, _("回执正在生成，稍后在“文书”中打开"))
        return redirect("intake:case", number=number)
    return redirect("intake:document", number=number, pk=receipt.pk)


def document_download(request: HttpRequest, number: str, pk: int) -> HttpResponse:
    if not request.user.is_authenticated:
        raise Http404
    case = access_case_for(request.user, number)
    document = get_object_or_404(case.documents, pk=pk, status=CaseDocument.Status.READY)
    documents.audit_download(actor=request.user, request=request, document=document, case=case)
    return FileResponse(
        document.file.open("rb"),
        content_type="application/pdf",
        filename=document.file.name.rsplit("/", 1)[-1],
    )


def document_link(request: HttpRequest, number: str, pk: int) -> HttpResponse:
    """One document's link, polled by htmx (intake/_document_link.html) until it is ready."""
    if not request.user.is_authenticated:
        raise Http404
    case = access_case_for(request.user, number)
    document = get_object_or_404(case.documents, pk=pk)
    return render(request, "intake/_document_link.html", {"case": case, "d": document})


def document_status(request: HttpRequest, number: str) -> HttpResponse:
    """The documents panel (each pending document's link polls by itself, document_link)."""
    if not request.user.is_authenticated:
        raise Http404
    case = access_case_for(request.user, number)
    return render(
        request, "intake/_documents.html", {"case": case, "documents": case.documents.all()}
    )


@desk_required("centre.report_from_grid")
def grid(request: HttpRequest) -> HttpResponse:
    """The grid worker reports on the incident command's phone page (issue 16)."""
    return redirect("incidents:report")


@require_POST
def clock_action(request: HttpRequest, number: str, pk: int, action: str) -> HttpResponse:
    """A supervisor pauses (with the reason), resumes or extends (once, within the rule)
    one of the case's own clocks (intake.services.case_clock_adjust)."""
    from centre.models import Clock

    case = access_case_for(request.user, number)
    clock = get_object_or_404(Clock.objects.select_related("rule"), pk=pk, case_number=case.number)
    if action not in services.CLOCK_ACTIONS:
        raise Http404
    try:
        services.case_clock_adjust(
            actor=request.user,
            case=case,
            clock=clock,
            action=action,
            reason=request.POST.get("reason", ""),
            consent=request.POST.get("consent") == "on",
        )
    except PermissionDenied as exc:
        messages.error(request, str(exc))
        return render(request, "403.html", status=403)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, _("期限已更新"))
    return redirect("intake:case", number=number)


@desk_required(DESK)
@require_GET
def deadline_calculator(request: HttpRequest) -> HttpResponse:
    """The desk's time-limit calculator (the same as GET /api/v1/deadlines/calculate/)."""
    from datetime import date

    from centre.models import DeadlineRule
    from centre.periods import rule_due

    rule = DeadlineRule.objects.filter(code=request.GET.get("rule", ""), active=True).first()
    error = ""
    try:
        start = date.fromisoformat(request.GET.get("start", ""))
    except ValueError:
        start = None
    if not day_in_range(start):  # a period added to it would overflow
        start, error = None, _("起算日：%(rule)s") % {"rule": out_of_range_message()}
    due = rule_due(rule, start) if rule and start else None
    return render(
        request,
        "intake/_deadline.html",
        {"rule": rule, "start": start, "due": due, "error": error},
    )
