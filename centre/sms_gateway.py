"""The HTTP SMS gateway: one signed JSON request per message, and the check of the signed
callbacks the gateway sends back (a resident's reply).

The interface is the one 政务短信平台 and commercial providers offer, reduced to what every
one of them has: an account, a secret shared with the centre, a sign name (短信签名), a
template code with its parameters and a client message id. A request::

    POST SMS_GATEWAY_URL
    X-Sms-Account: <account>   X-Sms-Timestamp: <unix seconds>   X-Sms-Nonce: <random>
    X-Sms-Signature: hex(HMAC-SHA256(secret, canonical request))
    {"account", "sign_name", "template_code", "template_params", "phone",
     "client_msg_id", "timestamp", "nonce"}

where the canonical request is ``METHOD \\n PATH \\n TIMESTAMP \\n NONCE \\n
hex(SHA-256(body))``. The answer: ``{"code": "OK", "message_id": ...}`` when the message is
accepted, another code with a ``message`` when it is refused. A refusal (an HTTP 4xx or a
code other than OK: a template not approved, a bad number) is final; a 5xx, a timeout or a
connection that fails is worth another try, with the same client message id, which the
gateway uses to send a message once however often it is asked.
"""

from __future__ import annotations

import hashlib
import hmac
import http.client
import json
import re
import secrets
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext as _

SIGNATURE_HEADER = "X-Sms-Signature"
TIMESTAMP_HEADER = "X-Sms-Timestamp"
NONCE_HEADER = "X-Sms-Nonce"
ACCOUNT_HEADER = "X-Sms-Account"
ACCEPTED = "OK"
REQUIRED_SETTINGS = (
    "SMS_GATEWAY_URL",
    "SMS_GATEWAY_ACCOUNT",
    "SMS_GATEWAY_SECRET",
    "SMS_GENERIC_TEMPLATE",
)
# The provider's reason is shown to the staff and kept on the message: it may quote the
# number it refused, so any long run of digits is cut to its last four.
_DIGITS_RE = re.compile(r"\d{7,}")


class SmsRejected(Exception):
    """The gateway refused the message; sending it again would be refused again."""


class SmsUnavailable(Exception):
    """The gateway did not take the message (5xx, timeout, no connection): try again."""


def _config() -> dict[str, Any]:
    missing = [name for name in REQUIRED_SETTINGS if not getattr(settings, name, "")]
    if missing:
        raise ImproperlyConfigured(
            f"centre.notify.HttpSmsBackend needs {', '.join(missing)} (see .env.example)"
        )
    return {
        "url": settings.SMS_GATEWAY_URL,
        "account": settings.SMS_GATEWAY_ACCOUNT,
        "secret": settings.SMS_GATEWAY_SECRET.encode("utf-8"),
        "sign_name": settings.SMS_GATEWAY_SIGN_NAME,
        "timeout": settings.SMS_GATEWAY_TIMEOUT,
    }


def canonical_request(method: str, path: str, timestamp: str, nonce: str, body: bytes) -> bytes:
    return "\n".join(
        [method.upper(), path, timestamp, nonce, hashlib.sha256(body).hexdigest()]
    ).encode("utf-8")


def signature(
    secret: bytes, method: str, path: str, timestamp: str, nonce: str, body: bytes
) -> str:
    message = canonical_request(method, path, timestamp, nonce, body)
    return hmac.new(secret, message, hashlib.sha256).hexdigest()


def without_numbers(text: str) -> str:
    return _DIGITS_RE.sub(lambda m: "*" * (len(m.group()) - 4) + m.group()[-4:], text)


def send(
    *, phone: str, template_code: str, template_params: Mapping[str, Any], client_msg_id: str
) -> str:
    """Hand one message to the gateway; the provider's message id. Raises ``SmsRejected``
    or ``SmsUnavailable``; neither's text holds the number."""
    config = _config()
    timestamp, nonce = str(int(time.time())), secrets.token_hex(16)
    body = json.dumps(
        {
            "account": config["account"],
            "sign_name": config["sign_name"],
            "template_code": template_code,
            "template_params": dict(template_params),
            "phone": phone,
            "client_msg_id": client_msg_id,
            "timestamp": timestamp,
            "nonce": nonce,
        },
        ensure_ascii=False,
        separators=(",", ":"),
    ).encode("utf-8")
    path = urllib.parse.urlsplit(config["url"]).path or "/"
    request = urllib.request.Request(  # noqa: S310 (the URL is the deployment's own setting)
        config["url"],
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json; charset=utf-8",
            ACCOUNT_HEADER: config["account"],
            TIMESTAMP_HEADER: timestamp,
            NONCE_HEADER: nonce,
            SIGNATURE_HEADER: signature(config["secret"], "POST", path, timestamp, nonce, body),
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=config["timeout"]) as response:  # noqa: S310
            status, raw = response.status, response.read()
    except urllib.error.HTTPError as exc:
        status, raw = exc.code, exc.read()
    except (OSError, http.client.HTTPException) as exc:  # URLError, timeouts, resets
        raise SmsUnavailable(_("短信平台无法连接或未在时限内应答")) from exc
    if status >= 500 or status == 429:
        raise SmsUnavailable(_("短信平台暂时不可用（HTTP %(status)d）") % {"status": status})
    try:
        answer = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        answer = None
    if not isinstance(answer, dict):
        if status >= 400:
            raise SmsRejected(_("短信平台拒绝发送（HTTP %(status)d）") % {"status": status})
        raise SmsUnavailable(_("短信平台的应答无法识别（HTTP %(status)d）") % {"status": status})
    code = str(answer.get("code", ""))
    if status >= 400 or code != ACCEPTED:
        reason = without_numbers(str(answer.get("message") or ""))[:120]
        raise SmsRejected(
            _("短信平台拒绝发送：%(reason)s（代码%(code)s）")
            % {"reason": reason or _("未说明原因"), "code": without_numbers(code)[:40] or status}
        )
    message_id = str(answer.get("message_id") or "")
    if not message_id:
        # Accepted without an id cannot be told from a garbled answer; asking again with the
        # same client message id is harmless.
        raise SmsUnavailable(_("短信平台的应答缺少消息编号"))
    return message_id[:64]


def callback_verified(*, method: str, path: str, headers: Mapping[str, str], body: bytes) -> bool:
    """A callback signed by the gateway with the shared secret, recent, and not seen before
    (its nonce is remembered for as long as its timestamp is accepted)."""
    secret = getattr(settings, "SMS_GATEWAY_SECRET", "")
    timestamp = headers.get(TIMESTAMP_HEADER, "")
    nonce = headers.get(NONCE_HEADER, "")
    given = headers.get(SIGNATURE_HEADER, "")
    if not (secret and timestamp.isdigit() and nonce and given):
        return False
    max_age = settings.SMS_CALLBACK_MAX_AGE
    if abs(time.time() - int(timestamp)) > max_age:
        return False
    expected = signature(secret.encode("utf-8"), method, path, timestamp, nonce, body)
    if not hmac.compare_digest(expected, given.lower()):
        return False
    seen = f"sms:callback-nonce:{hashlib.sha256(nonce.encode()).hexdigest()}"
    return cache.add(seen, 1, max_age * 2)
