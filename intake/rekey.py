"""Re-encrypt every party's ID number and phone, and every message's destination, under a new
key (``manage.py rotate_party_key``).

Procedure:

1. ``manage.py generate_party_key var/party-new.key`` writes the new key file.
2. Stop the web and Celery worker processes (a maintenance window).
3. ``manage.py rotate_party_key --new-key-file var/party-new.key`` re-encrypts the
   ciphertexts and recomputes the blind indexes, all in one transaction.
4. Point ``PARTY_KEY_FILE`` at the new file, move the old one to offline storage (database
   backups taken before the rotation still need it), start web and workers again.

Why stopped: a process still holding the old key computes blind indexes with it. While the
rotation runs, ``party_resolve``'s locking look-up waits for a re-keyed row and then no
longer matches it; after the commit every look-up misses every party until the process
restarts. A known person would be registered a second time (the unique index cannot catch
it: the two rows have indexes under different keys). Tokens such a process writes under the
old key are not lost, though: the old key file still opens them, and a second run re-keys
them. The window is short: 10,000 parties (ID number and phone each) took 5 to 7 seconds
on a 2-core server, about 1,400 to 2,000 parties a second, so a county's tens of thousands
of parties take well under a minute. The cryptography is a small share of it (about 15 µs
a value); most of the time is Django building the ``bulk_update`` statements.

The single transaction makes an interrupted run harmless: nothing is committed, and the
old key still opens everything. A run after a completed one finds every token already under
the new key and re-keys nothing.
"""

from __future__ import annotations

from typing import TextIO

from django.db import transaction
from django.db.models import Q

from centre import sms
from centre.crypto import CryptoError, Keyring
from centre.models import AuditLog, Notification
from centre.services import audit_record
from intake.models import Party

# Field holding the token, field holding its blind index, the index's purpose.
SEALED_FIELDS = (
    ("id_number_enc", "id_number_index", "id_number"),
    ("phone_enc", "phone_index", "phone"),
)


class PartyRekeyError(Exception):
    """A token does not open with the old key (sealed by a third key, or corrupted): the
    rotation's transaction rolls back. ``party_pk`` is the row's key (a notification's when
    ``field`` is ``destination_enc``); ``key_id`` is the sealing key, if readable."""

    def __init__(self, *, party_pk: int, field: str, key_id: bytes | None, error: Exception):
        self.party_pk, self.field, self.key_id, self.error = party_pk, field, key_id, error
        super().__init__(f"row {party_pk} {field}: {error}")


def party_keys_rotate(
    *, old: Keyring, new: Keyring, batch_size: int = 500, stdout: TextIO | None = None
) -> int:
    """Re-encrypt the parties' ciphertexts under ``new`` and recompute their blind indexes
    with it; returns how many parties were re-keyed. Masked copies do not change."""
    fields = [f for sealed, index, _purpose in SEALED_FIELDS for f in (sealed, index)]
    rekeyed = 0
    with transaction.atomic():
        parties = Party.objects.filter(Q(id_number_enc__isnull=False) | Q(phone_enc__isnull=False))
        total = parties.count()
        done = last_pk = 0
        while True:
            # Locked batch by batch and held to the commit: a registration updating one of
            # these parties waits instead of overwriting a re-keyed token with an old one.
            batch = list(
                parties.select_for_update()
                .filter(pk__gt=last_pk)
                .order_by("pk")
                .only("pk", *fields)[:batch_size]
            )
            if not batch:
                break
            last_pk = batch[-1].pk
            changed = [party for party in batch if _party_rekey(party, old=old, new=new)]
            Party.objects.bulk_update(changed, fields)
            rekeyed += len(changed)
            done += len(batch)
            if stdout is not None:
                stdout.write(f"已处理{done}/{total}位当事人，重新加密{rekeyed}位\n")
        notifications = _notifications_rekey(old=old, new=new, batch_size=batch_size)
        if stdout is not None:
            stdout.write(f"重新加密{notifications}条通知的接收号码\n")
        opt_outs = sms.opt_outs_rekey(old=old, new=new)
        if stdout is not None:
            stdout.write(f"重新加密{opt_outs}个退订短信的号码\n")
        audit_record(
            actor=None,
            action=AuditLog.Action.CHANGE,
            username="rotate_party_key",
            detail={
                "rekeyed": rekeyed,
                "notifications": notifications,
                "sms_opt_outs": opt_outs,
                "new_key_id": new.current_key_id.hex(),
            },
        )
    return rekeyed


def _notifications_rekey(*, old: Keyring, new: Keyring, batch_size: int) -> int:
    """A message's destination (a party's phone or e-mail) is sealed like the party's own
    data: left under the old key, it could no longer be sent once that key is retired."""
    rekeyed = last_pk = 0
    pending = Notification.objects.filter(destination_enc__isnull=False)
    while True:
        batch = list(
            pending.select_for_update()
            .filter(pk__gt=last_pk)
            .order_by("pk")
            .only("pk", "destination_enc")[:batch_size]
        )
        if not batch:
            return rekeyed
        last_pk = batch[-1].pk
        changed = []
        for notification in batch:
            token, key_id = bytes(notification.destination_enc), None
            try:
                key_id = old.key_id_of(token)
                if key_id == new.current_key_id:
                    continue
                notification.destination_enc = new.encrypt(old.decrypt(token))
            except CryptoError as exc:
                raise PartyRekeyError(
                    party_pk=notification.pk, field="destination_enc", key_id=key_id, error=exc
                ) from exc
            changed.append(notification)
        Notification.objects.bulk_update(changed, ["destination_enc"])
        rekeyed += len(changed)


def _party_rekey(party: Party, *, old: Keyring, new: Keyring) -> bool:
    """Seal the party's stale tokens with ``new``; False if all were current already."""
    changed = False
    for sealed, index, purpose in SEALED_FIELDS:
        token = getattr(party, sealed)
        if token is None:
            continue
        token = bytes(token)
        key_id = None
        try:
            key_id = old.key_id_of(token)
            if key_id == new.current_key_id:
                continue
            value = old.decrypt(token)
        except CryptoError as exc:
            raise PartyRekeyError(
                party_pk=party.pk, field=sealed, key_id=key_id, error=exc
            ) from exc
        setattr(party, sealed, new.encrypt(value))
        setattr(party, index, new.blind_index(value, purpose=purpose))
        changed = True
    return changed
