"""The public progress page (no login): look up a case with its number and the last four
digits of the applicant's phone; ask for a one-time SMS code, enter it, download the
applicant's documents. Thin: the rules are intake.public's."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.db import transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from intake import public
from intake.forms import ProgressCodeForm, ProgressForm


@never_cache
@require_GET
def progress(request: HttpRequest) -> HttpResponse:
    """The stage, window, next step and time limits of the case; the documents once the
    session has entered the code. Shows no personal data."""
    number = request.GET.get("number", "").strip()
    form = ProgressForm(
        request.GET if "phone_last4" in request.GET else None, initial={"number": number}
    )
    result, case = None, None
    if form.is_bound and form.is_valid():
        result = public.progress_lookup(request=request, **form.cleaned_data)
        if result["found"]:
            case = public.proven_case(request, number)
    elif not form.is_bound and (case := public.proven_case(request, number)) is not None:
        # Back from asking for or entering a code: proven by this session already.
        result = {"found": True, "throttled": False, **public.progress_of(case)}
    context = {"form": form, "result": result}
    if case is not None:
        context["verified"] = public.verified(request, case)
        context["sms_receives"] = public.sms_receives(request, case)
        context["documents"] = public.resident_documents(request, case)
        context["code_form"] = ProgressCodeForm(initial={"number": case.number})
    return render(request, "intake/progress.html", context)


def _back(case_number: str) -> HttpResponse:
    return redirect(f"{reverse('progress')}?{urlencode({'number': case_number})}")


@require_POST
def progress_code(request: HttpRequest) -> HttpResponse:
    """Send a code by SMS for the case this session proved."""
    case = public.proven_case(request, request.POST.get("number", ""))
    if case is None:
        messages.error(request, _("请先输入案件编号和申请人手机号后四位查询。"))
        return redirect("progress")
    try:
        with transaction.atomic():
            public.code_request(request=request, case=case)
    except public.CodeRefused as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            _("验证码已发送到申请人登记的手机，%(minutes)d分钟内有效。")
            % {"minutes": public.CODE_SECONDS // 60},
        )
    return _back(case.number)


@require_POST
def progress_verify(request: HttpRequest) -> HttpResponse:
    """Check the code; a right one opens the documents to this session for a while."""
    form = ProgressCodeForm(request.POST)
    case = public.proven_case(request, request.POST.get("number", ""))
    if case is None:
        messages.error(request, _("请先输入案件编号和申请人手机号后四位查询。"))
        return redirect("progress")
    if not form.is_valid():
        messages.error(request, "；".join(form.errors["code"]))
        return _back(case.number)
    try:
        public.code_verify(request=request, case=case, code=form.cleaned_data["code"])
    except public.CodeRefused as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("验证成功，可下载文书。"))
    return _back(case.number)


@require_POST
def progress_sms(request: HttpRequest) -> HttpResponse:
    """The verified applicant stops (or resumes) the SMS no law requires."""
    case = public.proven_case(request, request.POST.get("number", ""))
    if case is None:
        messages.error(request, _("请先输入案件编号和申请人手机号后四位查询。"))
        return redirect("progress")
    receive = request.POST.get("receive") == "1"
    if not public.sms_choose(request, case, receive=receive):
        messages.error(request, _("请先输入短信验证码完成验证。"))
    elif receive:
        messages.success(request, _("已恢复接收提醒类短信。"))
    else:
        messages.success(request, _("已退订提醒类短信；法律规定必须送达的通知仍会以短信告知。"))
    return _back(case.number)


@never_cache
@require_GET
def progress_document(request: HttpRequest, token: str) -> HttpResponse:
    """One of the applicant's documents, for the verified session whose page listed it."""
    document = public.resident_document(request, token)
    if document is None:
        raise Http404
    return FileResponse(
        document.file.open("rb"),
        as_attachment=True,
        content_type="application/pdf",
        filename=document.file.name.rsplit("/", 1)[-1],
    )
