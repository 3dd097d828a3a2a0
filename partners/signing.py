"""How a request to a partner is signed, and how the partner checks it (README, 对接平台).

The signature is an HMAC of ``timestamp + "." + body`` with the subscription's secret:
``X-Centre-Signature: sha256=<hex>`` or ``sm3=<hex>`` (HMAC-SM3, GB/T 15852.2, for
partners that must use national algorithms). The timestamp is signed so that a captured
request cannot be replayed later with a new one; the receiver refuses old timestamps and
de-duplicates on ``X-Centre-Event-Id``.
"""

from __future__ import annotations

import hashlib
import hmac
import json

from centre.crypto import hmac_sm3

EVENT_HEADER = "X-Centre-Event"
EVENT_ID_HEADER = "X-Centre-Event-Id"
TIMESTAMP_HEADER = "X-Centre-Timestamp"
SIGNATURE_HEADER = "X-Centre-Signature"

PREFIXES = {"hmac-sha256": "sha256", "hmac-sm3": "sm3"}


def signature(algorithm: str, secret: str, timestamp: str, body: bytes) -> str:
    """The ``X-Centre-Signature`` value, e.g. ``sha256=3f…``."""
    message = timestamp.encode("ascii") + b"." + body
    key = secret.encode("utf-8")
    if algorithm == "hmac-sm3":
        digest = hmac_sm3(key, message).hex()
    elif algorithm == "hmac-sha256":
        digest = hmac.new(key, message, hashlib.sha256).hexdigest()
    else:
        raise ValueError(f"unknown signature algorithm {algorithm!r}")
    return f"{PREFIXES[algorithm]}={digest}"


def verify(algorithm: str, secret: str, timestamp: str, body: bytes, header: str) -> bool:
    """What a receiver does (the tests use it as a partner would)."""
    return hmac.compare_digest(signature(algorithm, secret, timestamp, body), header)


def encode(payload: dict) -> bytes:
    """The request body: compact UTF-8 JSON (the bytes signed are the bytes sent)."""
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
