"""Two factors at every staff login (GB/T 22239-2019 8.1.4.1 d): the password, then the
dynamic password of an authenticator app, enrolled at the first login; the security
administrator alone resets a device; the token login takes the code too; service accounts
of other platforms are token-only and bound to their addresses."""

from __future__ import annotations

import time
from datetime import timedelta
from io import StringIO

import pytest
import time_machine
from django.conf import settings as django_settings
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.test import APIClient

from centre import two_factor
from centre.checks import check_otp_required
from centre.models import ApiToken, AuditLog, ServiceAccount

pytestmark = pytest.mark.django_db
LOGIN = "/accounts/login/"
VERIFY = "/accounts/two-factor/"
ENROL = "/accounts/two-factor/enrol/"


@pytest.fixture
def otp_on(settings):
    settings.OTP_REQUIRED = True
    return settings


def code_for(device: TOTPDevice, steps_ahead: int = 0) -> str:
    """The code the person's app shows now (or ``steps_ahead`` periods later), computed
    with django-otp's own TOTP."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + steps_ahead * device.step
    return f"{totp.token():0{device.digits}d}"


def enrolled(user) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="动态口令", confirmed=True)


def password_login(client, username: str, password: str | None = None):
    return client.post(
        LOGIN, {"username": username, "password": password or django_settings.DEMO_PASSWORD}
    )


def actions_for(user, action: str) -> list[AuditLog]:
    return list(AuditLog.objects.filter(action=action, actor=user))


# --- The page login -----------------------------------------------------------------------


def test_the_first_login_is_sent_to_enrol_and_reaches_nothing_else(client, clerk, otp_on):
    assert password_login(client, "clerk").status_code == 302

    response = client.get("/intake/")
    assert response.status_code == 302
    assert response["Location"] == f"{VERIFY}?next=/intake/"
    response = client.get(response["Location"])
    assert response["Location"] == f"{ENROL}?next=%2Fintake%2F"

    page = client.get(ENROL, {"next": "/intake/"})
    assert page.status_code == 200
    html = page.content.decode()
    assert "绑定动态口令" in html
    # The QR code is drawn in the page (SVG, no style attribute: the CSP refuses those),
    # and the secret is there as text for typing in.
    assert "<svg" in html and "style=" not in html.split("<svg", 1)[1].split("</svg>")[0]
    device = TOTPDevice.objects.get(user=clerk)
    assert not device.confirmed
    assert two_factor.secret_text(device) in html
    assert page["Cache-Control"].startswith("max-age=0")
    # A reload shows the same secret: the app may already hold it.
    assert two_factor.secret_text(device) in client.get(ENROL).content.decode()
    assert TOTPDevice.objects.filter(user=clerk).count() == 1

    # Until the code is entered, no desk, no admin, no API, no password change.
    for path in ("/", "/intake/", "/admin/", "/inbox/", "/accounts/password/"):
        assert client.get(path)["Location"].startswith(VERIFY), path
    api = client.get("/api/v1/windows/")
    assert api.status_code == 403
    assert api.json() == {"detail": "请先在登录页输入动态口令"}


def test_the_first_code_confirms_the_device_and_opens_the_desk(client, clerk, otp_on):
    password_login(client, "clerk")
    client.get(ENROL)
    device = TOTPDevice.objects.get(user=clerk)
    key_before = client.session.session_key

    response = client.post(ENROL, {"otp": code_for(device), "next": "/intake/"})
    assert response.status_code == 302
    assert response["Location"] == "/intake/"
    device.refresh_from_db()
    assert device.confirmed
    assert len(actions_for(clerk, AuditLog.Action.OTP_ENROLLED)) == 1
    # A verified session gets a new key (the one the password opened is worth nothing).
    assert client.session.session_key != key_before
    assert client.get("/intake/").status_code == 200
    # Once enrolled, the enrolment page does not offer a new secret.
    assert client.get(ENROL).status_code == 302


def test_a_wrong_enrolment_code_leaves_the_device_unconfirmed(client, clerk, otp_on):
    password_login(client, "clerk")
    client.get(ENROL)
    device = TOTPDevice.objects.get(user=clerk)
    wrong = f"{(int(code_for(device)) + 1) % 1_000_000:06d}"

    page = client.post(ENROL, {"otp": wrong})
    assert page.status_code == 200
    assert "动态口令错误或已使用过" in page.content.decode()
    device.refresh_from_db()
    assert not device.confirmed
    assert client.get("/intake/")["Location"].startswith(VERIFY)


def test_a_person_with_a_device_is_asked_for_the_code(client, clerk, otp_on):
    device = enrolled(clerk)
    password_login(client, "clerk")
    page = client.get(VERIFY, {"next": "/intake/"})
    assert page.status_code == 200
    html = page.content.decode()
    assert "输入动态口令" in html and "<svg" not in html  # no secret shown again
    assert client.get(ENROL)["Location"] == VERIFY  # no second device without the first

    response = client.post(VERIFY, {"otp": code_for(device), "next": "/intake/"})
    assert response["Location"] == "/intake/"
    assert client.get("/intake/").status_code == 200


@pytest.mark.parametrize(
    ("code", "message"),
    [("", "请输入动态口令"), ("12345", "动态口令应为6位数字"), ("12a456", "动态口令应为6位数字")],
)
def test_a_malformed_code_is_refused_naming_the_rule(client, clerk, otp_on, code, message):
    enrolled(clerk)
    password_login(client, "clerk")
    page = client.post(VERIFY, {"otp": code})
    assert page.status_code == 200
    assert page.context["form"].errors["otp"] == [message]


def test_a_wrong_code_is_refused_audited_and_throttled(client, clerk, otp_on):
    device = enrolled(clerk)
    password_login(client, "clerk")
    with time_machine.travel(timezone.now(), tick=False):
        wrong = f"{(int(code_for(device)) + 1) % 1_000_000:06d}"
        page = client.post(VERIFY, {"otp": wrong})
        assert page.status_code == 200
        assert page.context["form"].errors["otp"] == [
            "动态口令错误或已使用过，请输入应用中当前显示的6位数字"
        ]
        assert len(actions_for(clerk, AuditLog.Action.OTP_FAILED)) == 1
        # At once after a failure even the right code waits (django-otp's back-off).
        page = client.post(VERIFY, {"otp": code_for(device)})
        assert page.context["form"].errors["otp"] == ["动态口令错误次数过多，请1秒后再试"]
        assert client.get("/intake/").status_code == 302
    with time_machine.travel(timezone.now() + timedelta(seconds=2), tick=False):
        assert client.post(VERIFY, {"otp": code_for(device)}).status_code == 302
        assert client.get("/intake/").status_code == 200
    device.refresh_from_db()
    assert device.throttling_failure_count == 0


def test_a_code_once_used_is_refused_again(client, clerk, otp_on):
    device = enrolled(clerk)
    code = code_for(device)
    password_login(client, "clerk")
    assert client.post(VERIFY, {"otp": code}).status_code == 302
    client.post("/accounts/logout/")

    other = type(client)()
    password_login(other, "clerk")
    page = other.post(VERIFY, {"otp": code})
    assert page.status_code == 200
    assert "已使用过" in page.context["form"].errors["otp"][0]


def test_the_password_alone_ends_no_ones_session_the_code_does(client, clerk, otp_on):
    device = enrolled(clerk)
    password_login(client, "clerk")
    client.post(VERIFY, {"otp": code_for(device)})
    assert client.get("/intake/").status_code == 200

    thief = type(client)()
    password_login(thief, "clerk")  # the password without the phone
    assert thief.get("/intake/")["Location"].startswith(VERIFY)
    assert client.get("/intake/").status_code == 200  # the clerk works on

    elsewhere = type(client)()
    password_login(elsewhere, "clerk")
    elsewhere.post(VERIFY, {"otp": code_for(device, 1)})
    assert elsewhere.get("/intake/").status_code == 200
    ended = client.get("/intake/")  # one session per account, from the verified login
    assert ended.status_code == 302 and ended["Location"].startswith(LOGIN)


def test_a_code_leads_only_to_this_site(client, clerk, otp_on):
    device = enrolled(clerk)
    password_login(client, "clerk")
    response = client.post(VERIFY, {"otp": code_for(device), "next": "https://evil.example/"})
    assert response["Location"] == "/"


def test_with_the_setting_off_the_password_alone_opens_the_desk(client, clerk, settings):
    settings.OTP_REQUIRED = False
    enrolled(clerk)  # even a person with a device is not asked
    assert password_login(client, "clerk")["Location"] == "/"
    assert client.get("/intake/").status_code == 200
    assert client.get(VERIFY)["Location"] == "/"


# --- The security administrator's reset -------------------------------------------------


def test_the_security_administrator_resets_a_device_audited(client, clerk, secadmin, otp_on):
    device = enrolled(clerk)
    api = APIClient()
    token = api.post(
        "/api/v1/auth/token/",
        {"username": "clerk", "password": django_settings.DEMO_PASSWORD, "otp": code_for(device)},
    ).json()["token"]
    # The administrator's own session has passed both factors.
    client.force_login(secadmin)
    admin_device = enrolled(secadmin)
    client.post(VERIFY, {"otp": code_for(admin_device)})

    listing = client.get("/admin/auth/user/")
    assert "重置所选账号的动态口令" in listing.content.decode()
    response = client.post(
        "/admin/auth/user/",
        {"action": "reset_two_factor", "_selected_action": [clerk.pk]},
        follow=True,
    )
    assert "已重置1个账号的动态口令" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=clerk).exists()
    [entry] = actions_for(secadmin, AuditLog.Action.OTP_RESET)
    assert entry.object_id == str(clerk.pk) and entry.detail["devices"] == 1
    # The tokens obtained with the old device end with it.
    assert not ApiToken.objects.get(user=clerk).is_live
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert api.get("/api/v1/windows/").status_code == 401

    # The owner enrols again at the next login.
    owner = type(client)()
    password_login(owner, "clerk")
    assert owner.get(VERIFY)["Location"] == ENROL


@pytest.mark.parametrize("role", ["sysadmin", "auditor", "clerk", "supervisor"])
def test_no_one_else_resets_a_device(client, make_user, clerk, role):
    enrolled(clerk)
    other = make_user(role, username=f"other-{role}")
    with pytest.raises(PermissionDenied):
        two_factor.two_factor_reset(actor=other, user=clerk)
    client.force_login(other)
    response = client.post(
        "/admin/auth/user/", {"action": "reset_two_factor", "_selected_action": [clerk.pk]}
    )
    assert response.status_code in (302, 403)
    assert TOTPDevice.objects.filter(user=clerk).count() == 1
    assert not AuditLog.objects.filter(action=AuditLog.Action.OTP_RESET).exists()


def test_the_device_admin_showing_secrets_is_gone(admin_client):
    assert admin_client.get("/admin/otp_totp/totpdevice/").status_code == 404


# --- The token login -----------------------------------------------------------------------


def _token_login(api, **extra):
    data = {"username": "clerk", "password": django_settings.DEMO_PASSWORD, **extra}
    return api.post("/api/v1/auth/token/", data, format="json")


def test_the_token_login_needs_the_code(clerk, otp_on):
    device = enrolled(clerk)
    api = APIClient()

    missing = _token_login(api)
    assert missing.status_code == 400
    assert missing.json() == {
        "detail": "otp: 请填写动态口令",
        "errors": {"otp": ["请填写动态口令"]},
    }
    malformed = _token_login(api, otp="12 456")
    assert malformed.status_code == 400
    assert malformed.json()["errors"] == {"otp": ["动态口令应为6位数字"]}

    wrong = _token_login(api, otp=f"{(int(code_for(device)) + 1) % 1_000_000:06d}")
    assert wrong.status_code == 401
    assert wrong.json()["errors"]["otp"][0].startswith("动态口令错误")
    assert not ApiToken.objects.exists()
    assert len(actions_for(clerk, AuditLog.Action.OTP_FAILED)) == 1

    with time_machine.travel(timezone.now() + timedelta(seconds=2), tick=False):
        right = _token_login(api, otp=code_for(device))
    assert right.status_code == 200
    api.credentials(HTTP_AUTHORIZATION=f"Token {right.json()['token']}")
    assert api.get("/api/v1/windows/").status_code == 200


def test_a_token_login_without_a_device_is_told_to_enrol_on_the_page(clerk, otp_on):
    response = _token_login(APIClient(), otp="123456")
    assert response.status_code == 401
    assert response.json()["errors"]["otp"] == ["该账号尚未绑定动态口令，请先在网页登录并完成绑定"]


def test_with_the_setting_off_the_token_login_takes_the_password_alone(clerk, settings):
    settings.OTP_REQUIRED = False
    assert _token_login(APIClient()).status_code == 200


# --- Service accounts -----------------------------------------------------------------------


def _issue(username="platform-12345", networks="10.1.2.0/24,192.0.2.7", **options) -> str:
    out, err = StringIO(), StringIO()
    call_command(
        "issue_service_token",
        username,
        platform="12345热线",
        networks=networks,
        stdout=out,
        stderr=err,
        **options,
    )
    assert "只显示这一次" in err.getvalue()
    return out.getvalue().strip()


def _api(token: str, address: str, **extra) -> APIClient:
    api = APIClient(REMOTE_ADDR=address, **extra)
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return api


def test_a_service_token_works_from_a_listed_address_only(otp_on):
    token = _issue()
    service = ServiceAccount.objects.get(user__username="platform-12345")
    assert service.allowed_networks == "10.1.2.0/24\n192.0.2.7"
    assert not service.user.has_usable_password()
    issued = ApiToken.objects.get(user=service.user)
    assert issued.expires_at > timezone.now() + timedelta(days=89)

    # No dynamic password for a system: its token alone, from its own addresses.
    assert _api(token, "10.1.2.55").get("/api/v1/windows/").status_code == 200
    assert _api(token, "192.0.2.7").get("/api/v1/windows/").status_code == 200

    refused = _api(token, "10.1.3.1").get("/api/v1/windows/")
    assert refused.status_code == 401
    assert refused.json()["detail"] == "该服务账号的令牌不能从地址10.1.3.1使用"
    [entry] = AuditLog.objects.filter(action=AuditLog.Action.SERVICE_ADDRESS_REFUSED)
    assert entry.detail == {"address": "10.1.3.1"}
    # A forged X-Forwarded-For counts for nothing without trusted proxies (centre.net).
    forged = _api(token, "10.1.3.1", HTTP_X_FORWARDED_FOR="10.1.2.55")
    assert forged.get("/api/v1/windows/").status_code == 401


def test_behind_a_trusted_proxy_the_forwarded_address_is_checked(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    token = _issue()
    ok = _api(token, "172.16.0.1", HTTP_X_FORWARDED_FOR="10.1.2.9")
    assert ok.get("/api/v1/windows/").status_code == 200
    refused = _api(token, "172.16.0.1", HTTP_X_FORWARDED_FOR="10.1.2.9, 203.0.113.5")
    assert refused.get("/api/v1/windows/").status_code == 401


def test_a_service_account_never_signs_in_with_a_password(client, otp_on):
    _issue()
    user = ServiceAccount.objects.get().user
    user.set_password("Qingshan-Lvshui-9")  # even one an administrator set
    user.save()
    page = password_login(client, user.username, "Qingshan-Lvshui-9")
    assert page.status_code == 200
    assert "_auth_user_id" not in client.session
    api = APIClient(REMOTE_ADDR="10.1.2.3")
    response = api.post(
        "/api/v1/auth/token/",
        {"username": user.username, "password": "Qingshan-Lvshui-9", "otp": "123456"},
        format="json",
    )
    assert response.status_code == 400
    assert ApiToken.objects.filter(user=user).count() == 1  # the command's only


def test_the_command_names_a_wrong_address_and_refuses_a_persons_account(clerk):
    with pytest.raises(CommandError, match=r"--networks：第2行“10\.1\.2\.3/24”不是IP地址或网段"):
        _issue(networks="10.1.2.0/24,10.1.2.3/24")
    with pytest.raises(CommandError, match="--networks：此字段不能为空"):
        _issue(networks=" , ")
    assert not ServiceAccount.objects.exists()
    assert not type(clerk).objects.filter(username="platform-12345").exists()
    with pytest.raises(CommandError, match="clerk是人员的账号，不是服务账号"):
        _issue(username="clerk")
    with pytest.raises(CommandError, match="--days"):
        _issue(days=0)
    assert not ApiToken.objects.exists()


def test_the_command_audits_the_account_and_the_token():
    _issue()
    _issue(networks="10.9.0.0/16")  # a second token, the addresses changed
    service = ServiceAccount.objects.get()
    assert service.allows("10.9.1.1") and not service.allows("10.1.2.3")
    actions = list(
        AuditLog.objects.filter(object_type="centre.serviceaccount")
        .order_by("seq")
        .values_list("action", "actor_username")
    )
    assert actions == [
        (AuditLog.Action.CREATE, "manage.py issue_service_token"),
        (AuditLog.Action.CHANGE, "manage.py issue_service_token"),
    ]
    assert AuditLog.objects.filter(action=AuditLog.Action.TOKEN_ISSUED).count() == 2


def test_the_security_administrator_edits_a_service_accounts_addresses(client, secadmin):
    _issue()
    service = ServiceAccount.objects.get()
    client.force_login(secadmin)
    url = f"/admin/centre/serviceaccount/{service.pk}/change/"
    page = client.post(
        url, {"platform": "12345热线", "allowed_networks": "10.1.2.0/24\n10.1.2.300"}
    )
    assert page.status_code == 200
    assert page.context["adminform"].form.errors["allowed_networks"] == [
        "第2行“10.1.2.300”不是IP地址或网段（如10.1.2.0/24，网段的主机位须为0）"
    ]
    assert (
        client.post(url, {"platform": "12345热线", "allowed_networks": "10.8.0.0/16"}).status_code
        == 302
    )
    service.refresh_from_db()
    assert service.allowed_networks == "10.8.0.0/16"
    assert AuditLog.objects.filter(
        action=AuditLog.Action.CHANGE, actor=secadmin, object_type="centre.serviceaccount"
    ).exists()


# --- The deploy check -----------------------------------------------------------------------


def test_the_deploy_check_warns_when_two_factors_are_off(settings):
    settings.DEBUG, settings.OTP_REQUIRED = False, False
    assert [m.id for m in check_otp_required()] == ["centre.W002"]
    settings.OTP_REQUIRED = True
    assert check_otp_required() == []
    settings.DEBUG, settings.OTP_REQUIRED = True, False
    assert check_otp_required() == []
