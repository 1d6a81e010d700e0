"""Helpers for driving the admin through the test client and checking what reversion recorded."""

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db.models import Model
from reversion.models import Revision, Version

if TYPE_CHECKING:
    # What the test client returns, as django-stubs names it: a response with the template context.
    from django.test.client import _MonkeyPatchedWSGIResponse as TestResponse


def form_data(response: "TestResponse") -> dict:
    """The POST body the admin page in `response` would send unchanged: main form and inlines."""
    data: dict = {}
    forms = [response.context["adminform"].form]
    for inline in response.context.get("inline_admin_formsets", []):
        formset = inline.formset
        forms.append(formset.management_form)
        forms.extend(formset.forms)
    for form in forms:
        for name in form.fields:
            value = form[name].value()
            if value is True:
                value = "on"
            if value is None or value is False:
                continue
            data[form.add_prefix(name)] = value
    return data


def errors_of(response: "TestResponse") -> list[str]:
    """Every error message the admin form page shows (field and non-field)."""
    form = response.context["adminform"].form
    return [message for messages in form.errors.values() for message in messages]


@dataclass
class RevisionLog:
    before: int
    new: list[Revision] = field(default_factory=list)

    @property
    def only(self) -> Revision:
        assert len(self.new) == 1, f"expected exactly one new revision, got {len(self.new)}"
        return self.new[0]


@contextmanager
def new_revisions() -> Iterator[RevisionLog]:
    """Collect the revisions made inside the block."""
    last = Revision.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    log = RevisionLog(before=last)
    yield log
    log.new = list(Revision.objects.filter(pk__gt=last).select_related("user").order_by("pk"))


def versions_of(obj: Model) -> list[Version]:
    """The object's versions, oldest first."""
    return list(Version.objects.get_for_object(obj).select_related("revision").order_by("pk"))


def assert_one_revision(log: RevisionLog, user, comment: str, objects: list[Model]) -> Revision:
    revision = log.only
    assert revision.user == user
    assert revision.comment == comment, revision.comment
    versioned = {(v.content_type.model_class(), v.object_id) for v in revision.version_set.all()}
    assert versioned == {(type(o), str(o.pk)) for o in objects}
    return revision
