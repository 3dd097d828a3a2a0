"""Identification and authentication, as GB/T 22239-2019 8.1.4.1 (身份鉴别) asks of a
level-3 system: passwords of some complexity, not reused, changed periodically and at the
first login after an administrator set them; one session per account at a time.

The password rules are validators of ``AUTH_PASSWORD_VALIDATORS``, so every form that sets
a password (the own-password page, the admin's) applies them. The password history is
written by its validator's ``password_changed`` hook, which Django calls wherever a
password is set (``manage.py changepassword`` and ``createsuperuser`` included), so no path
escapes it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from importlib import import_module
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import password_validation
from django.contrib.auth.hashers import check_password
from django.contrib.auth.signals import user_logged_in
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.db import transaction
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from centre.api_errors import is_api
from centre.models import AccountSecurity, PasswordHistory

# What the session remembers: why its password must be changed before anything else, and
# under which session key it was recorded as the account's one session.
CHANGE_REQUIRED = "centre_password_change"
CLAIMED_KEY = "centre_session_claimed"
FIRST_LOGIN, EXPIRED = "first_login", "expired"

ENDED_ELSEWHERE = gettext_lazy("您的账号已在其他地方登录，本次会话已结束")
SECOND_FACTOR_MISSING = gettext_lazy("请先在登录页输入动态口令")
CHANGE_REASONS = {
    FIRST_LOGIN: gettext_lazy("您的密码由管理员设置，首次登录须先修改密码。"),
    EXPIRED: gettext_lazy("您的密码已超过%(days)d天未修改，须先修改密码。"),
}


# --- Password validators ----------------------------------------------------------------


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    """Django's, with its error in Chinese (Django's own translation lacks this one)."""

    def get_error_message(self) -> str:
        return _("密码太短，至少须%(n)d个字符。") % {"n": self.min_length}

    def get_help_text(self) -> str:
        return _("密码至少须%(n)d个字符。") % {"n": self.min_length}


class CharacterClassesValidator:
    """At least ``min_classes`` of upper case, lower case, digits and symbols (8.1.4.1 a:
    口令具有复杂度要求)."""

    CLASSES = (str.isupper, str.islower, str.isdigit)

    def __init__(self, min_classes: int = 3):
        self.min_classes = min_classes

    def classes_in(self, password: str) -> int:
        found = {i for ch in password for i, test in enumerate(self.CLASSES) if test(ch)}
        if any(not (ch.isupper() or ch.islower() or ch.isdigit()) for ch in password):
            found.add(len(self.CLASSES))
        return len(found)

    def validate(self, password: str, user: Any = None) -> None:
        if self.classes_in(password) < self.min_classes:
            raise ValidationError(self.message(), code="password_too_simple")

    def message(self) -> str:
        return _("密码须包含大写字母、小写字母、数字、符号四类中的至少%(n)d类。") % {
            "n": self.min_classes
        }

    def get_help_text(self) -> str:
        return self.message()


class PasswordHistoryValidator:
    """Not one of the account's last ``count`` passwords, the current one included (8.1.4.1
    a: 定期更换 — a change back to the old password would be none)."""

    def __init__(self, count: int = 5):
        self.count = count

    def validate(self, password: str, user: Any = None) -> None:
        if user is None or user.pk is None:
            return
        hashes = list(
            PasswordHistory.objects.filter(user=user).values_list("password", flat=True)[
                : self.count
            ]
        )
        if user.password:
            hashes.append(user.password)
        if any(check_password(password, encoded) for encoded in hashes):
            raise ValidationError(self.message(), code="password_reused")

    def password_changed(self, password: str, user: Any = None) -> None:
        if user is None or user.pk is None:
            return
        password_record(user=user, count=self.count)

    def message(self) -> str:
        return _("新密码不能与最近%(n)d次使用过的密码相同。") % {"n": self.count}

    def get_help_text(self) -> str:
        return self.message()


# --- Services ----------------------------------------------------------------------------


@transaction.atomic
def password_record(*, user: Any, count: int) -> None:
    """A password was set: keep its hash among the last ``count`` and start its age."""
    now = timezone.now()
    PasswordHistory.objects.create(user=user, password=user.password, changed_at=now)
    stale = PasswordHistory.objects.filter(user=user).values_list("pk", flat=True)[count:]
    PasswordHistory.objects.filter(pk__in=list(stale)).delete()
    AccountSecurity.objects.update_or_create(user=user, defaults={"password_changed_at": now})


@transaction.atomic
def password_change_own(*, user: Any, password: str) -> None:
    """The account's owner sets a new password; a change asked of them is then done."""
    user.set_password(password)
    user.save(update_fields=["password"])
    AccountSecurity.objects.filter(user=user).update(must_change_password=False)


def password_require_change(*, user: Any) -> None:
    """An administrator created the account or set its password: its owner changes it at
    the first login, so that no administrator knows a password in use (8.1.4.1)."""
    AccountSecurity.objects.update_or_create(user=user, defaults={"must_change_password": True})


def session_store(session_key: str | None = None) -> Any:
    return import_module(settings.SESSION_ENGINE).SessionStore(session_key=session_key)


def session_claim(*, user: Any, session: Any) -> None:
    """This session becomes the account's only one: the one before it is deleted, and its
    key kept so that its browser is told why on its next request."""
    if session.session_key is None:
        # A login over another account's session flushed it: the new one has no key
        # until it is saved.
        session.save()
    key = session.session_key
    with transaction.atomic():
        state, _created = AccountSecurity.objects.select_for_update().get_or_create(user=user)
        ended = state.session_key if state.session_key not in ("", key) else ""
        state.session_key = key
        if ended:
            state.ended_session_key = ended
        state.save(update_fields=["session_key", "ended_session_key"])
    if ended:
        session_store(ended).delete()
    session[CLAIMED_KEY] = key


def session_follow(*, user: Any, session: Any) -> None:
    """The session's key changed under it (a password change cycles it): the record
    follows, unless a later login has already taken the account's place."""
    AccountSecurity.objects.filter(user=user, session_key=session.get(CLAIMED_KEY) or "-").update(
        session_key=session.session_key
    )
    session[CLAIMED_KEY] = session.session_key


# --- Selectors ---------------------------------------------------------------------------


def password_change_reason(user: Any, now: Any = None) -> str | None:
    """Why this account must change its password before anything else, or None. An
    account whose password was never recorded counts from its creation."""
    state = AccountSecurity.objects.filter(user=user).first()
    if state is not None and state.must_change_password:
        return FIRST_LOGIN
    changed = (state.password_changed_at if state else None) or user.date_joined
    max_age = timedelta(days=settings.PASSWORD_MAX_AGE_DAYS)
    if changed + max_age < (now or timezone.now()):
        return EXPIRED
    return None


def change_reason_text(reason: str) -> str:
    return str(CHANGE_REASONS[reason]) % {"days": settings.PASSWORD_MAX_AGE_DAYS}


def ended_elsewhere(session_key: str) -> bool:
    return AccountSecurity.objects.filter(ended_session_key=session_key).exists()


# --- Login and every request -------------------------------------------------------------


@receiver(user_logged_in, dispatch_uid="centre.accounts.login")
def _logged_in(sender, request, user, **kwargs):
    # Django announces a login only through this signal (the login form, force_login and
    # the admin's login alike); the work is in the services above.
    if request is None or not hasattr(request, "session"):
        return
    if not settings.OTP_REQUIRED:
        session_claim(user=user, session=request.session)
    # With two factors, the session becomes the account's one when its dynamic password is
    # checked (centre.two_factor): the password alone, in a thief's hands, ends no one's.
    if settings.PASSWORD_CHANGE_ENFORCED:
        reason = password_change_reason(user)
        if reason:
            request.session[CHANGE_REQUIRED] = reason


class AuthenticationPolicyMiddleware:
    """After AuthenticationMiddleware, OTPMiddleware and MessageMiddleware.

    When two factors are required (``OTP_REQUIRED``, centre.two_factor), a session whose
    dynamic password was not yet checked reaches only the pages that check it or enrol a
    device, logout, the language switch and static files. A session whose password must be
    changed reaches only the change page and the same few. A browser whose session a later
    login ended is sent to the login page and told why. None of this costs a query on an
    ordinary request (OTPMiddleware's one look-up of the session's device aside).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            session = request.session
            if session.get(CLAIMED_KEY) != session.session_key:
                session_follow(user=request.user, session=session)
            if (
                settings.OTP_REQUIRED
                and not request.user.is_verified()
                and not self._open_before_second_factor(request)
            ):
                return self._to_second_factor(request)
            reason = session.get(CHANGE_REQUIRED)
            if reason and not self._open_while_changing(request):
                return self._to_change(request, reason)
        else:
            cookie = request.COOKIES.get(settings.SESSION_COOKIE_NAME)
            if cookie and request.session.session_key != cookie and ended_elsewhere(cookie):
                return self._ended(request)
        return self.get_response(request)

    @staticmethod
    def _open_while_changing(request: HttpRequest) -> bool:
        # The language switch stays open: the change page has it in its footer.
        open_paths = {reverse("password_change"), reverse("logout"), reverse("set_language")}
        return request.path in open_paths or request.path.startswith(settings.STATIC_URL)

    @staticmethod
    def _open_before_second_factor(request: HttpRequest) -> bool:
        open_paths = {
            reverse("two_factor"),
            reverse("two_factor_enrol"),
            reverse("logout"),
            reverse("set_language"),
        }
        return request.path in open_paths or request.path.startswith(settings.STATIC_URL)

    @staticmethod
    def _to_second_factor(request: HttpRequest) -> HttpResponse:
        if is_api(request):
            return JsonResponse(
                {"detail": str(SECOND_FACTOR_MISSING)},
                status=403,
                json_dumps_params={"ensure_ascii": False},
            )
        # The page asked for is kept as ?next=, so the code leads on to it.
        return redirect_to_login(request.get_full_path(), reverse("two_factor"))

    @staticmethod
    def _to_change(request: HttpRequest, reason: str) -> HttpResponse:
        if is_api(request):
            return JsonResponse(
                {"detail": change_reason_text(reason)},
                status=403,
                json_dumps_params={"ensure_ascii": False},
            )
        return redirect("password_change")

    def _ended(self, request: HttpRequest) -> HttpResponse:
        text = str(ENDED_ELSEWHERE)
        if is_api(request):
            return JsonResponse(
                {"detail": text}, status=401, json_dumps_params={"ensure_ascii": False}
            )
        messages.warning(request, text)
        if request.path == reverse("login"):
            return self.get_response(request)  # the login page itself shows it
        return redirect_to_login(request.get_full_path())
