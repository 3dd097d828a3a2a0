from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _sync_reference(sender, using="default", **kwargs):
    from centre.services import reference_sync

    reference_sync(using=using)


class CentreConfig(AppConfig):
    name = "centre"
    verbose_name = _("中心组织与系统")

    def ready(self) -> None:
        # After migrate, every database (the test databases too) has the windows and the
        # role groups.
        post_migrate.connect(_sync_reference, sender=self, dispatch_uid="centre.reference")
        from centre import (
            audit_hooks,  # noqa: F401  (connects the login audit receivers)
            checks,  # noqa: F401  (registers the deploy checks)
            psycopg_cache,
            refcache,
        )

        refcache.connect()
        psycopg_cache.apply()
        _refuse_control_characters()


def _refuse_control_characters() -> None:
    """Every text field of every form and serializer refuses control characters
    (centre.validators): a default validator of Django's and DRF's CharField themselves,
    rather than a base class's clean hook, because the centre's forms and serializers have
    no one common base (plain Forms, ModelForms of the admin, the login form, ModelSerializers)
    and a field added tomorrow is covered without anyone remembering to. Subclasses
    (RegexField, ChoiceField is not one) inherit it."""
    from django import forms
    from rest_framework import serializers

    from centre.validators import no_control_characters

    forms.CharField.default_validators = [no_control_characters]
    serializers.CharField.default_validators = [no_control_characters]
