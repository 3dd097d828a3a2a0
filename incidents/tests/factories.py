"""Incidents for tests: a town with two grids, a second town, departments, and one user
of each role that takes part — all built through the real services."""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from centre.models import Department, Region, StaffProfile
from centre.tests.factories import DepartmentFactory, RegionFactory
from incidents import services
from incidents.models import Incident


@dataclass
class Place:
    county: Any
    town: Region
    grid: Region
    other_grid: Region  # same town, another village
    far_grid: Region  # another town
    labour: Department
    police: Department
    users: dict[str, Any]


def build_place(county, make_user) -> Place:
    town = RegionFactory(code="330523001", name="递铺街道", county=county)
    village = RegionFactory(
        code="330523001001", name="阳光社区", county=county, parent=town, level="village"
    )
    grid = RegionFactory(
        code="330523001001001", name="第一网格", county=county, parent=village, level="grid"
    )
    village2 = RegionFactory(
        code="330523001201", name="鲁家村", county=county, parent=town, level="village"
    )
    other_grid = RegionFactory(
        code="330523001201001", name="第一网格", county=county, parent=village2, level="grid"
    )
    far_town = RegionFactory(code="330523107", name="天荒坪镇", county=county)
    far_village = RegionFactory(
        code="330523107201", name="余村村", county=county, parent=far_town, level="village"
    )
    far_grid = RegionFactory(
        code="330523107201001", name="第一网格", county=county, parent=far_village, level="grid"
    )
    labour = DepartmentFactory(county=county, name="县人力资源和社会保障局")
    police = DepartmentFactory(county=county, name="县公安局")
    users = {
        "grid_worker": make_user("grid_worker", "grid", region=grid),
        "grid_worker_far": make_user("grid_worker", "grid_far", region=far_grid),
        "town_dispatcher": make_user("town_dispatcher", "towncmd", region=town),
        "town_dispatcher_far": make_user("town_dispatcher", "towncmd_far", region=far_town),
        "department_handler": make_user("department_handler", "dept"),
        "police_handler": make_user("department_handler", "police"),
        "supervisor": make_user("supervisor"),
        "leader": make_user("leader"),
        "clerk": make_user("clerk"),
        "outsider": make_user(None, "outsider"),
    }
    StaffProfile.objects.filter(user=users["department_handler"]).update(department=labour)
    StaffProfile.objects.filter(user=users["police_handler"]).update(department=police)
    return Place(county, town, grid, other_grid, far_grid, labour, police, users)


def report_data(place: Place, **kw: Any) -> dict[str, Any]:
    return {
        "category": "labour",
        "urgency": "important",
        "grade": "general",
        "grid": place.grid.code,
        "place": "阳光社区东门工地",
        "involved_count": 12,
        "people": "工人12名，包工头陈某",
        "description": "工地12名工人反映被拖欠3个月工资，情绪激动",
        **kw,
    }


def report(place: Place, *, photos=None, key: str = "", **kw: Any) -> Incident:
    return services.incident_report(
        actor=place.users["grid_worker"],
        data=report_data(place, **kw),
        photos=photos,
        idempotency_key=key,
    )


def jpeg(size=(3000, 2000), *, gps: bool = True, name: str = "photo.jpg") -> SimpleUploadedFile:
    """A camera-like JPEG with EXIF: the camera, the owner and a GPS position."""
    image = Image.new("RGB", size, (120, 160, 200))
    exif = Image.Exif()
    exif[0x010F] = "Huawei"  # Make
    exif[0x013B] = "张三"  # Artist
    if gps:
        exif[0x8825] = {1: "N", 2: (30.0, 38.0, 0.0), 3: "E", 4: (119.0, 40.0, 0.0)}
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/jpeg")


def fire(place: Place, role: str, incident: Incident, name: str, **data: Any) -> Incident:
    return services.incident_fire(
        actor=place.users[role], number=incident.number, name=name, data=data
    )


# The way to each state, taken by the people whose step it is.
PATH = {
    "accepted": [("town_dispatcher", "accept", {})],
    "assigned": [
        ("town_dispatcher", "accept", {}),
        ("town_dispatcher", "assign", {"department": "labour"}),
    ],
    "handled": [
        ("town_dispatcher", "accept", {}),
        ("town_dispatcher", "assign", {"department": "labour"}),
        ("department_handler", "feedback", {"note": "已督促企业支付全部工资"}),
    ],
    "verified": [
        ("town_dispatcher", "accept", {}),
        ("town_dispatcher", "assign", {"department": "labour"}),
        ("department_handler", "feedback", {"note": "已督促企业支付全部工资"}),
        ("town_dispatcher", "verify", {"passed": True, "note": "工人确认已收到"}),
    ],
}


def incident_in(place: Place, state: str, **kw: Any) -> Incident:
    incident = report(place, **kw)
    for role, name, data in PATH.get(state, []):
        if data.get("department") == "labour":
            data = {**data, "department": place.labour.pk}
        incident = fire(place, role, incident, name, **data)
    assert incident.state == state
    return incident
