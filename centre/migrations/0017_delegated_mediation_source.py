"""The delegated-mediation period's source names the right document: 法释〔2016〕14号 is
《最高人民法院关于人民法院特邀调解的规定》 (the 2016 opinion on diversified dispute
resolution is 法发〔2016〕14号), as centre.law_rules now seeds it. Only a rule whose source is
still as first seeded is changed; an administrator's edit is kept."""

from django.db import migrations

OLD = (
    "《最高人民法院关于人民法院进一步深化多元化纠纷解决机制改革的意见》（法释〔2016〕14号）第27条；"
    "《人民法院在线调解规则》第24条"
)
NEW = "《最高人民法院关于人民法院特邀调解的规定》（法释〔2016〕14号）第27条；《人民法院在线调解规则》第24条"


def forwards(apps, schema_editor):
    DeadlineRule = apps.get_model("centre", "DeadlineRule")
    DeadlineRule.objects.filter(code="mediation_court_delegated", source=OLD).update(source=NEW)


def backwards(apps, schema_editor):
    DeadlineRule = apps.get_model("centre", "DeadlineRule")
    DeadlineRule.objects.filter(code="mediation_court_delegated", source=NEW).update(source=OLD)


class Migration(migrations.Migration):
    dependencies = [("centre", "0016_two_factor_service_accounts")]

    operations = [migrations.RunPython(forwards, backwards)]
