"""The ten incident categories of the issue; administrators edit them afterwards."""

from django.db import migrations

CATEGORIES = [
    ("dispute", "矛盾纠纷", "dispute"),
    ("public_security", "治安隐患", "dispute"),
    ("work_safety", "安全生产", "dispute"),
    ("fire_safety", "消防安全", "dispute"),
    ("food_drug", "食品药品", "dispute"),
    ("labour", "劳动保障", "labour"),
    ("environment", "生态环境", "dispute"),
    ("urban_rural", "城乡管理", "dispute"),
    ("petition", "信访苗头", "petition"),
    ("other", "其他", "dispute"),
]


def seed(apps, schema_editor):
    IncidentCategory = apps.get_model("incidents", "IncidentCategory")
    for order, (code, name, nature) in enumerate(CATEGORIES, start=1):
        IncidentCategory.objects.get_or_create(
            code=code, defaults={"name": name, "order": order, "case_nature": nature}
        )


class Migration(migrations.Migration):
    dependencies = [("incidents", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
