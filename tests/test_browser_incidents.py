"""An incident on the real pages, from the grid worker's phone to its closing: the worker
reports wage arrears on a site with a photo, the town's command room accepts it and
assigns it to the labour bureau, the bureau feeds back with a photo of the pay slips, the
town verifies and closes it. And a report made with no network is kept on the phone and
sent once when the network is back."""

from __future__ import annotations

import pytest
from django.conf import settings
from PIL import Image

from incidents.models import Incident
from incidents.tests.factories import build_place

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture
def place(county, make_user, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return build_place(county, make_user)


@pytest.fixture
def photo(tmp_path):
    path = tmp_path / "site.jpg"
    Image.new("RGB", (1200, 900), (180, 140, 90)).save(path, "JPEG")
    return path


def _log_in(page, username: str, lands_on: str) -> None:
    page.context.clear_cookies()
    page.goto("/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(settings.DEMO_PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(lands_on)


def _fill_report(page, photo) -> None:
    form = page.locator("#report-form")
    form.get_by_label("事件类别").select_option("labour")
    form.get_by_label("紧急程度").select_option("important")
    form.get_by_label("地点").fill("阳光社区东门工地")
    form.get_by_label("涉及人数").fill("12")
    form.get_by_label("涉及人员").fill("工人12名，包工头陈某")
    form.get_by_label("事件描述").fill("工地12名工人反映被拖欠3个月工资，情绪激动")
    if photo:
        form.get_by_label("照片").set_input_files(str(photo))


def _step(page, name: str, number: str, **fields) -> None:
    form = page.locator(f"form[data-transition='{name}']")
    for label, value in fields.items():
        field = form.get_by_label(label)
        if field.evaluate("el => el.tagName") == "SELECT":
            field.select_option(label=value)
        elif field.get_attribute("type") == "file":
            field.set_input_files(value)
        else:
            field.fill(value)
    form.locator("button[type=submit]").click()
    page.wait_for_url(f"**/incidents/{number}/")
    page.locator(".alert-success").wait_for()


def test_an_incident_from_the_phone_to_its_closing(page, place, photo):
    page.set_viewport_size(PHONE)
    _log_in(page, "grid", "**/incidents/report/")
    grid = page.locator("#report-form").get_by_label("网格")
    assert grid.input_value() == place.grid.code  # their own grid, chosen for them
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"]  # nothing to scroll sideways on the phone
    _fill_report(page, photo)
    page.get_by_role("button", name="上报", exact=True).click()
    page.locator("#report-status .alert-success").wait_for()
    incident = Incident.objects.get()
    assert incident.number in page.locator("#report-status").inner_text()
    page.locator(f"#my-incidents [data-number='{incident.number}']").wait_for()
    assert incident.photos.get().stage == "report"

    page.set_viewport_size(DESKTOP)
    _log_in(page, "towncmd", "**/incidents/")
    page.locator(f"tr[data-incident='{incident.number}']").get_by_role(
        "link", name=incident.number
    ).click()
    page.wait_for_url(f"**/incidents/{incident.number}/")
    assert page.locator(".incident-photos img").count() == 1
    _step(page, "accept", incident.number)
    _step(page, "assign", incident.number, 承办部门="县人力资源和社会保障局", 交办要求="三日内反馈")
    assert page.locator("#incident-state").inner_text() == "已交办"

    _log_in(page, "dept", "**/incidents/")
    page.locator(f"tr[data-incident='{incident.number}'] a").click()
    _step(page, "feedback", incident.number, 处置情况="已督促企业支付全部工资", 照片=str(photo))
    assert page.locator(".incident-photos img").count() == 2

    _log_in(page, "towncmd", "**/incidents/")
    page.goto(f"/incidents/{incident.number}/")
    _step(page, "verify", incident.number, 核查结果="通过", 核查意见="工人确认已收到")
    _step(page, "close", incident.number, 群众评价="5")
    assert page.locator("#incident-state").inner_text() == "已办结"
    timeline = page.locator("#timeline").inner_text()
    for label in ("签收", "交办", "反馈", "核查", "办结"):
        assert label in timeline
    incident.refresh_from_db()
    assert (incident.state, incident.rating, incident.department) == ("closed", 5, place.labour)

    page.set_viewport_size(PHONE)
    _log_in(page, "grid", "**/incidents/report/")
    mine = page.locator(f"#my-incidents [data-number='{incident.number}']")
    assert "已办结" in mine.inner_text() and "已督促企业支付全部工资" in mine.inner_text()


def test_a_report_made_offline_is_kept_and_sent_once_when_back_online(page, place, photo):
    page.set_viewport_size(PHONE)
    _log_in(page, "grid", "**/incidents/report/")
    page.context.set_offline(True)
    _fill_report(page, photo)
    page.get_by_role("button", name="上报", exact=True).click()
    page.locator("#report-status .alert-warning").wait_for()
    pending = page.locator("#pending li")
    assert pending.count() == 1 and "待发送" in pending.inner_text()
    assert Incident.objects.count() == 0

    page.context.set_offline(False)  # the `online` event sends it
    page.locator("#pending-section").wait_for(state="hidden")
    incident = Incident.objects.get()
    assert incident.idempotency_key and incident.photos.count() == 1
    page.locator(f"#my-incidents [data-number='{incident.number}']").wait_for()

    page.reload()  # the retry on page load finds nothing left to send
    page.wait_for_load_state("networkidle")
    assert page.locator("#pending li").count() == 0
    assert Incident.objects.count() == 1


def test_a_new_report_appears_on_the_board_without_a_reload(page, place):
    from incidents.tests.factories import report

    page.set_viewport_size(DESKTOP)
    _log_in(page, "towncmd", "**/incidents/")
    incident = report(place, urgency="urgent")
    page.locator(f"tr[data-incident='{incident.number}']").wait_for(timeout=15_000)
