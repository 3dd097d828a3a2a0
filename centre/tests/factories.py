"""factory_boy factories for the organisation; other apps' factories build on these."""

from __future__ import annotations

import factory
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from centre.models import Category, County, Department, Region, StaffProfile, Window
from centre.roles import ROLES


class CountyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = County
        django_get_or_create = ("code",)

    code = "330523"
    name = "安吉县"
    city_name = "湖州市"
    province_name = "浙江省"
    centre_name = "安吉县社会矛盾纠纷调处化解中心"
    address = "安吉县递铺街道"
    phone = "0572-5123456"


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region
        django_get_or_create = ("code",)

    county = factory.SubFactory(CountyFactory)
    parent = None
    level = Region.Level.TOWN
    code = factory.Sequence(lambda n: f"330523{n % 1000:03d}")
    name = factory.Sequence(lambda n: f"示例镇{n}")


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department
        django_get_or_create = ("county", "name")

    county = factory.SubFactory(CountyFactory)
    name = factory.Sequence(lambda n: f"部门{n}")
    window = None


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"{10 + n % 89:02d}")
    name = factory.Sequence(lambda n: f"类别{n}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Sequence(lambda n: f"工作人员{n}")
    password = factory.django.Password(settings.DEMO_PASSWORD)

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        """``UserFactory(roles=["clerk"])``: role groups, a staff profile and admin access."""
        if not create or not extracted:
            return
        self.groups.set(Group.objects.filter(name__in=extracted))
        self.is_staff = any(ROLES[r].staff for r in extracted)
        self.save(update_fields=["is_staff"])
        window = kwargs.get("window")
        StaffProfile.objects.update_or_create(
            user=self,
            defaults={
                "county": kwargs.get("county") or CountyFactory(),
                "window": Window.objects.get(code=window) if window else None,
                "region": kwargs.get("region"),
                "scope": kwargs.get("scope", StaffProfile.Scope.COUNTY),
            },
        )
