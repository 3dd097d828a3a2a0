from __future__ import annotations

import pytest

from centre import tokens
from intake.tests.factories import reference_data
from partners.models import WebhookSubscription
from partners.services import subscription_create
from partners.tests.receiver import serve


@pytest.fixture
def ref(county):
    return reference_data(county)


@pytest.fixture
def hotline(county):
    return tokens.service_account_save(
        username="platform-12345",
        platform="12345平台",
        networks="10.1.2.0/24",
        source="12345-anji",
        county=county.code,
    )


@pytest.fixture
def grid_platform(county):
    return tokens.service_account_save(
        username="platform-grid",
        platform="网格平台",
        networks="10.1.3.0/24",
        source="grid-anji",
        county=county.code,
    )


@pytest.fixture
def receiver():
    server, receiver = serve()
    yield receiver
    server.shutdown()
    server.server_close()


@pytest.fixture
def subscribe(make_user):
    admin = make_user("sysadmin", "webhook-admin")

    def make(partner, url, events=("case.registered",), **kw):
        return subscription_create(
            actor=admin,
            subscription=WebhookSubscription(partner=partner, url=url, events=list(events), **kw),
        )

    return make
