"""The people's-mediation period may be lengthened with the parties' consent (司法部《人民调解
工作若干规定》第33条): 30 more days, as centre.law_rules now seeds it. Only a rule still as
first seeded (no extension) is changed; an administrator's edit is kept."""

from django.db import migrations


def forwards(apps, schema_editor):
    DeadlineRule = apps.get_model("centre", "DeadlineRule")
    DeadlineRule.objects.filter(code="mediation_people", extension_length__isnull=True).update(
        extension_length=30, extension_unit="natural"
    )


def backwards(apps, schema_editor):
    DeadlineRule = apps.get_model("centre", "DeadlineRule")
    DeadlineRule.objects.filter(
        code="mediation_people", extension_length=30, extension_unit="natural"
    ).update(extension_length=None, extension_unit="")


class Migration(migrations.Migration):
    dependencies = [("centre", "0014_account_security")]

    operations = [migrations.RunPython(forwards, backwards)]
