"""Model factories for the tests of every app. Call `.create(...)` (or `.build(...)`): mypy then knows
the result is the model, not the factory."""

import factory

from stagecraft.apps.datasets.models import BackdropUser, DataGroup, DataSet, DataType


class DataGroupFactory(factory.django.DjangoModelFactory[DataGroup]):
    class Meta:
        model = DataGroup
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"group-{n}")


class DataTypeFactory(factory.django.DjangoModelFactory[DataType]):
    class Meta:
        model = DataType
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"type-{n}")
    description = "A data type made by a test."
    schema = factory.LazyFunction(dict)


class DataSetFactory(factory.django.DjangoModelFactory[DataSet]):
    class Meta:
        model = DataSet

    data_group = factory.SubFactory(DataGroupFactory)
    data_type = factory.SubFactory(DataTypeFactory)
    bearer_token = factory.Sequence(lambda n: f"token-{n}")


class BackdropUserFactory(factory.django.DjangoModelFactory[BackdropUser]):
    class Meta:
        model = BackdropUser

    email = factory.Sequence(lambda n: f"person{n}@example.org")
