"""A grid worker's report: numbered gap-free, photos stripped, sent twice is one, bad
input named by its field with nothing saved."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from incidents.models import Incident, IncidentEvent, IncidentNumberSequence, IncidentPhoto
from incidents.tests.factories import jpeg, report

pytestmark = pytest.mark.django_db


def test_numbers_run_per_county_and_year_without_gaps(place):
    first, second = report(place), report(place)
    year = timezone.localdate().year
    assert first.number == f"SJ330523-{year}-000001"
    assert second.number == f"SJ330523-{year}-000002"
    assert first.town == place.town and first.state == "reported"
    assert first.events.get().transition == "report"
    # A report that fails after the checks gives its number back.
    with pytest.raises(ValidationError):
        report(place, category="")
    assert report(place).number.endswith("000003")
    assert IncidentNumberSequence.objects.get().last == 3


def test_photos_are_stored_without_exif_or_location_and_at_most_1600_px(place):
    upload = jpeg((3000, 2000))
    with Image.open(upload) as original:
        assert original.getexif().get(0x010F) == "Huawei"
        assert original.getexif().get_ifd(0x8825)  # the GPS position
    upload.seek(0)
    incident = report(place, photos=[upload])
    photo = incident.photos.get()
    assert (photo.width, photo.height) == (1600, 1067)
    with photo.file.open("rb") as stored, Image.open(stored) as image:
        assert image.format == "JPEG"
        assert max(image.size) <= 1600
        assert not image.getexif()
        assert "exif" not in image.info
        assert not image.getexif().get_ifd(0x8825)
    assert photo.file.name.endswith(".jpg") and "photo" not in photo.file.name


def test_a_png_stays_a_png_without_its_text_chunks(place):
    import io

    from PIL import PngImagePlugin

    info = PngImagePlugin.PngInfo()
    info.add_text("Author", "张三")
    out = io.BytesIO()
    Image.new("RGBA", (400, 300)).save(out, "PNG", pnginfo=info)
    incident = report(place, photos=[SimpleUploadedFile("a.png", out.getvalue())])
    with incident.photos.get().file.open("rb") as stored, Image.open(stored) as image:
        assert image.format == "PNG" and "Author" not in image.info


def test_the_same_report_sent_twice_with_one_key_is_one_incident(place):
    first = report(place, key="phone-7f3a-0001", photos=[jpeg((800, 600))])
    again = report(place, key="phone-7f3a-0001", photos=[jpeg((800, 600))])
    assert again.pk == first.pk and again.replayed and not first.replayed
    assert Incident.objects.count() == 1 and IncidentPhoto.objects.count() == 1
    # Another key (or no key) is another report.
    assert report(place, key="phone-7f3a-0002").pk != first.pk
    assert report(place).pk != first.pk


@pytest.mark.parametrize(
    ("change", "photo", "field"),
    [
        ({"category": ""}, None, "category"),
        ({"category": "nope"}, None, "category"),
        ({"urgency": "very"}, None, "urgency"),
        ({"description": ""}, None, "description"),
        ({"latitude": "30.6"}, None, "longitude"),
        ({"grid": "330523107201001"}, None, "grid"),  # another town's grid
        ({}, "big", "photos"),
        ({}, "pdf", "photos"),
        ({}, "fake", "photos"),
    ],
)
def test_bad_input_is_a_field_error_and_nothing_is_saved(place, change, photo, field):
    photos = {
        None: None,
        # 20 MB: a photo straight off a phone that was never resized.
        "big": [SimpleUploadedFile("big.jpg", b"\xff\xd8\xff" + b"\0" * (20 * 1024 * 1024))],
        "pdf": [SimpleUploadedFile("scan.jpg", b"%PDF-1.7\n" + b"0" * 2000)],
        "fake": [SimpleUploadedFile("x.jpg", b"\xff\xd8\xff" + b"not an image")],
    }[photo]
    with pytest.raises(ValidationError) as caught:
        report(place, photos=photos, **change)
    assert field in caught.value.message_dict
    assert caught.value.message_dict[field][0]
    assert not Incident.objects.exists()
    assert not IncidentPhoto.objects.exists() and not IncidentEvent.objects.exists()
    assert not IncidentNumberSequence.objects.filter(last__gt=0).exists()


def test_a_grid_worker_reports_only_in_their_own_area(place):
    from incidents import services
    from incidents.tests.factories import report_data

    far = place.users["grid_worker_far"]
    with pytest.raises(ValidationError) as caught:
        services.incident_report(actor=far, data=report_data(place))
    assert "不在您负责的区域内" in caught.value.message_dict["grid"][0]
    ok = services.incident_report(actor=far, data=report_data(place, grid=place.far_grid.code))
    assert ok.town.code == "330523107"


def test_only_a_grid_worker_reports(place):
    from django.core.exceptions import PermissionDenied

    from incidents import services
    from incidents.tests.factories import report_data

    for role in ("town_dispatcher", "department_handler", "clerk", "outsider"):
        with pytest.raises(PermissionDenied):
            services.incident_report(actor=place.users[role], data=report_data(place))
