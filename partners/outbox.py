"""The outbox: new case/incident timeline rows and ready documents become deliveries.

Read by primary key (``OutboxCursor``), never by a timestamp the timelines do not index.
A row's key is taken when its transaction writes it but the row is seen only once that
transaction commits, so each run reads again the last ``ID_LOOKBACK`` keys before its
cursor (far more than the transactions open at once); the unique (subscription, source,
event) makes a row seen twice one delivery. A document is ready long after it was written:
its cursor stays below the oldest document still being rendered.

Which events a subscription gets: the cases its partner sent in (``Case.source`` is the
partner's ``ServiceAccount.source``); with ``county_wide``, every case and incident of the
partner's county. An incident has no source, so only county-wide subscriptions get them.
Events that happened before the subscription was created are not sent.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.db.models import Max, Min, Prefetch, Q
from django.utils import timezone

from centre.crypto import get_keyring
from incidents.models import Incident, IncidentEvent
from intake.models import Case, CaseDocument, CaseEvent, CaseParty
from partners.models import OutboxCursor, WebhookDelivery, WebhookSubscription
from partners.signing import encode

ID_LOOKBACK = 200
# A document still unfinished after this long holds the cursor back no more.
DOCUMENT_PATIENCE = timedelta(days=1)
# Deliveries are retried until this long after their event (issue 20).
RETRY_WINDOW = timedelta(hours=24)
BATCH = 1000
CURSOR = "timeline"


def mask_name(name: str) -> str:
    """``张**``: the first character kept (a surname, or an organisation's first)."""
    name = (name or "").strip()
    return name[:1] + "*" * max(len(name) - 1, 1) if name else ""


def _decrypted(value: Any) -> str:
    return get_keyring().decrypt(bytes(value)) if value else ""


def _party(case_party: CaseParty, *, full: bool) -> dict[str, str]:
    party = case_party.party
    person = party.kind == party.Kind.PERSON
    if full:
        id_number, phone = _decrypted(party.id_number_enc), _decrypted(party.phone_enc)
        name = party.name
    else:
        id_number, phone = party.id_number_masked, party.phone_masked
        # An organisation's name is not personal data; a person's is.
        name = mask_name(party.name) if person else party.name
    return {
        "role": case_party.role,
        "kind": party.kind,
        "name": name,
        "id_number": id_number,
        "credit_code": party.credit_code or "",
        "phone": phone,
    }


def case_data(case: Case, *, full: bool) -> dict[str, Any]:
    return {
        "number": case.number,
        "state": case.state,
        "source": case.source,
        "external_id": case.external_id,
        "county": case.county.code,
        "channel": case.channel,
        "nature": case.nature,
        "category": case.category.code,
        "summary": case.summary,
        "parties": [_party(cp, full=full) for cp in case.case_parties.all()],
    }


def incident_data(incident: Incident, *, full: bool) -> dict[str, Any]:
    data = {
        "number": incident.number,
        "state": incident.state,
        "county": incident.county.code,
        "category": incident.category.code,
        "urgency": incident.urgency,
        "grade": incident.grade,
        "place": incident.place,
        "involved_count": incident.involved_count,
    }
    if full:
        # Free text naming the people involved: sent only with the grant.
        data["people"] = incident.people
    return data


def _transition(event: CaseEvent | IncidentEvent) -> dict[str, Any]:
    return {
        "name": event.transition,
        "from_state": event.from_state,
        "to_state": event.to_state,
        "at": event.at.isoformat(),
    }


def _case_event_names(event: CaseEvent) -> list[str]:
    if event.kind == CaseEvent.Kind.REGISTERED:
        return ["case.registered"]
    names = ["case.transitioned"]
    if event.to_state == Case.State.CLOSED:
        names.append("case.closed")
    return names


def _incident_event_names(event: IncidentEvent) -> list[str]:
    if not event.from_state:
        return ["incident.reported"]
    names = ["incident.transitioned"]
    if event.to_state == Incident.State.CLOSED:
        names.append("incident.closed")
    return names


def _case_scope(subscriptions: list[WebhookSubscription]) -> Q:
    scope = Q(pk__in=[])
    for sub in subscriptions:
        if sub.county_wide and sub.partner.county_id:
            scope |= Q(county_id=sub.partner.county_id)
        elif sub.partner.source:
            scope |= Q(source=sub.partner.source)
    return scope


def _sees_case(sub: WebhookSubscription, case: Case) -> bool:
    if sub.county_wide and sub.partner.county_id:
        return case.county_id == sub.partner.county_id
    return bool(sub.partner.source) and case.source == sub.partner.source


def _sees_incident(sub: WebhookSubscription, incident: Incident) -> bool:
    return sub.county_wide and incident.county_id == sub.partner.county_id


def _cases_prefetch() -> Prefetch:
    return Prefetch(
        "case__case_parties",
        queryset=CaseParty.objects.select_related("party").order_by("order", "id"),
    )


class _Builder:
    """Collects the deliveries of one run; each event's data is built once per level of
    detail, whatever the number of subscriptions."""

    def __init__(self, subscriptions: list[WebhookSubscription], now) -> None:
        self.subscriptions = subscriptions
        self.now = now
        self.rows: list[WebhookDelivery] = []
        self.keyring = get_keyring()

    def add(self, *, source: str, names: Iterable[str], at, subs, data) -> None:
        cache: dict[bool, dict[str, Any]] = {}
        for name in names:
            for sub in subs:
                if not sub.wants(name) or at < sub.created_at:
                    continue
                delivery = WebhookDelivery(
                    subscription=sub,
                    event=name,
                    source=source,
                    occurred_at=at,
                    expires_at=at + RETRY_WINDOW,
                    created_at=self.now,
                )
                if False not in cache:
                    cache[False] = data(False)
                delivery.payload = self._envelope(delivery, cache[False])
                if sub.full_personal_data:
                    if True not in cache:
                        cache[True] = data(True)
                    full = self._envelope(delivery, cache[True])
                    delivery.sealed_payload = self.keyring.encrypt(encode(full).decode("utf-8"))
                self.rows.append(delivery)

    @staticmethod
    def _envelope(delivery: WebhookDelivery, data: dict[str, Any]) -> dict[str, Any]:
        return {
            "id": str(delivery.event_id),
            "event": delivery.event,
            "occurred_at": delivery.occurred_at.isoformat(),
            "data": data,
        }


def _top(model) -> int:
    return model.objects.aggregate(top=Max("pk"))["top"] or 0


def _after(position: int) -> int:
    return max(position - ID_LOOKBACK, 0)


def collect(now=None) -> list[int]:
    """Turn timeline rows after the cursor into pending deliveries; their pks."""
    now = now or timezone.now()
    subscriptions = list(WebhookSubscription.objects.filter(active=True).select_related("partner"))
    with transaction.atomic():
        # The highest keys first: a row written after this is read by the next run.
        tops = {
            "case_event": _top(CaseEvent),
            "incident_event": _top(IncidentEvent),
            "document": _top(CaseDocument),
        }
        cursor, _ = OutboxCursor.objects.select_for_update().get_or_create(
            name=CURSOR,
            defaults={f"{name}_id": top for name, top in tops.items()},
        )
        if not subscriptions:
            for name, top in tops.items():
                setattr(cursor, f"{name}_id", top)
            cursor.save()
            return []
        since = min(s.created_at for s in subscriptions)
        builder = _Builder(subscriptions, now)
        scope = Case.objects.filter(_case_scope(subscriptions))

        case_events = list(
            CaseEvent.objects.filter(
                pk__gt=_after(cursor.case_event_id),
                pk__lte=tops["case_event"],
                at__gte=since,
                kind__in=[CaseEvent.Kind.REGISTERED, CaseEvent.Kind.TRANSITION],
                case__in=scope,
            )
            .select_related("case__county", "case__category")
            .prefetch_related(_cases_prefetch())
            .order_by("pk")[:BATCH]
        )
        cursor.case_event_id = (
            case_events[-1].pk if len(case_events) == BATCH else tops["case_event"]
        )
        for event in case_events:
            subs = [s for s in subscriptions if _sees_case(s, event.case)]
            builder.add(
                source=f"case_event:{event.pk}",
                names=_case_event_names(event),
                at=event.at,
                subs=subs,
                data=lambda full, e=event: {
                    "case": case_data(e.case, full=full),
                    **({"transition": _transition(e)} if e.kind == "transition" else {}),
                },
            )

        window = {"pk__gt": _after(cursor.document_id), "pk__lte": tops["document"]}
        documents = list(
            CaseDocument.objects.filter(
                **window,
                status=CaseDocument.Status.READY,
                rendered_at__gte=since,
                case__in=scope,
            )
            .select_related("case__county", "case__category")
            .prefetch_related(_cases_prefetch())
            .order_by("pk")[:BATCH]
        )
        unfinished = (
            CaseDocument.objects.filter(**window, created_at__gte=now - DOCUMENT_PATIENCE)
            .exclude(status=CaseDocument.Status.READY)
            .aggregate(first=Min("pk"))["first"]
        )
        position = documents[-1].pk if len(documents) == BATCH else tops["document"]
        if unfinished is not None:
            position = min(position, unfinished - 1)
        cursor.document_id = max(position, cursor.document_id)
        for document in documents:
            subs = [s for s in subscriptions if _sees_case(s, document.case)]
            builder.add(
                source=f"document:{document.pk}",
                names=["document.ready"],
                at=document.rendered_at,
                subs=subs,
                data=lambda full, d=document: {
                    "case": case_data(d.case, full=full),
                    "document": {
                        "id": d.pk,
                        "kind": d.kind,
                        "rendered_at": d.rendered_at.isoformat(),
                    },
                },
            )

        counties = {s.partner.county_id for s in subscriptions if s.county_wide} - {None}
        incident_events = (
            list(
                IncidentEvent.objects.filter(
                    pk__gt=_after(cursor.incident_event_id),
                    pk__lte=tops["incident_event"],
                    at__gte=since,
                    incident__county_id__in=counties,
                )
                .select_related("incident__county", "incident__category")
                .order_by("pk")[:BATCH]
            )
            if counties
            else []
        )
        cursor.incident_event_id = (
            incident_events[-1].pk if len(incident_events) == BATCH else tops["incident_event"]
        )
        for event in incident_events:
            subs = [s for s in subscriptions if _sees_incident(s, event.incident)]
            builder.add(
                source=f"incident_event:{event.pk}",
                names=_incident_event_names(event),
                at=event.at,
                subs=subs,
                data=lambda full, e=event: {
                    "incident": incident_data(e.incident, full=full),
                    "transition": _transition(e),
                },
            )

        WebhookDelivery.objects.bulk_create(builder.rows, ignore_conflicts=True)
        cursor.save()
        return list(
            WebhookDelivery.objects.filter(created_at=now, status=WebhookDelivery.Status.PENDING)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
