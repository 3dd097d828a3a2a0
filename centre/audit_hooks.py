"""Logins, logouts, failures and lockouts go to the audit log.

Django and django-axes announce these only through signals, so the receivers live here;
each does nothing but write the audit row.
"""

from __future__ import annotations

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from centre.models import AuditLog
from centre.services import audit_record


@receiver(user_logged_in, dispatch_uid="centre.audit.login")
def _logged_in(sender, request, user, **kwargs):
    audit_record(actor=user, action=AuditLog.Action.LOGIN, request=request)


@receiver(user_logged_out, dispatch_uid="centre.audit.logout")
def _logged_out(sender, request, user, **kwargs):
    if user is not None:
        audit_record(actor=user, action=AuditLog.Action.LOGOUT, request=request)


@receiver(user_login_failed, dispatch_uid="centre.audit.login_failed")
def _login_failed(sender, credentials, request=None, **kwargs):
    # The password is never recorded; Django has already masked it in ``credentials``.
    audit_record(
        actor=None,
        action=AuditLog.Action.LOGIN_FAILED,
        request=request,
        username=str(credentials.get("username", "")),
    )


@receiver(user_locked_out, dispatch_uid="centre.audit.locked_out")
def _locked_out(sender, request, username, ip_address, **kwargs):
    audit_record(
        actor=None, action=AuditLog.Action.LOCKED_OUT, request=request, username=str(username or "")
    )
