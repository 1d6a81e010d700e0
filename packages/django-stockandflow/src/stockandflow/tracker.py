"""ModelTracker: turns changes of a model's fields into flow events.

The change tracking follows django-model-utils' FieldTracker (itself carljm's monitor, which the
seed credits): the tracked values are copied when an instance is loaded or saved, and compared at the
next save. It is wired with signals rather than a field on the model, so a project can track a model
it doesn't own without editing it.
"""

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from django.db.models import Field, Model
from django.db.models.signals import post_delete, post_init, post_save, pre_delete, pre_save

from .facets import read_facet_labels
from .flows import Flow, record_transitions

StatesToStocks = Callable[[tuple, tuple], tuple[Sequence[Any], Sequence[Any]]]


class ModelTracker:
    """Watches `fields_to_track` on `model` and records an event for every flow a change matches.

    `states_to_stocks_func(previous_values, current_values)` receives the tracked fields' values, in
    the order of `fields_to_track`, and returns (previous_stocks, current_stocks): two tuples of the
    same length, compared element by element, so one model's state can be made of several
    sub-states. A new object comes from None in every element and a deleted one goes to None.
    A save that changes no tracked field costs no query; one that does costs one INSERT, one SELECT
    of the subject's facet values when a matching flow has facets, and one SELECT more if tracked
    fields were deferred when the object was loaded. A deletion reads the facet values before the row
    goes (one SELECT when a flow has facets). Changes made with QuerySet.update() send no signal and
    are not seen.
    """

    def __init__(
        self,
        model: type[Model],
        fields_to_track: Sequence[str],
        states_to_stocks_func: StatesToStocks,
        flows: Iterable[Flow],
    ) -> None:
        self.model = model
        self.fields_to_track = tuple(fields_to_track)
        self.states_to_stocks_func = states_to_stocks_func
        self.flows = list(flows)
        self._attnames = tuple(_attname(model, name) for name in self.fields_to_track)
        self._facet_lookups = sorted({lookup for flow in self.flows for lookup in flow.facet_lookups()})
        self._snapshot_attr = f"_stockandflow_snapshot_{id(self)}"
        self._deleted_labels_attr = f"_stockandflow_deleted_labels_{id(self)}"
        self._uid = f"stockandflow-tracker-{id(self)}"

    def connect(self) -> "ModelTracker":
        post_init.connect(self._on_init, sender=self.model, weak=False, dispatch_uid=self._uid)
        pre_save.connect(self._before_save, sender=self.model, weak=False, dispatch_uid=self._uid)
        post_save.connect(self._on_save, sender=self.model, weak=False, dispatch_uid=self._uid)
        pre_delete.connect(self._before_delete, sender=self.model, weak=False, dispatch_uid=self._uid)
        post_delete.connect(self._on_delete, sender=self.model, weak=False, dispatch_uid=self._uid)
        return self

    def disconnect(self) -> None:
        for signal in (post_init, pre_save, post_save, pre_delete, post_delete):
            signal.disconnect(sender=self.model, dispatch_uid=self._uid)

    def current_values(self, instance: Model) -> tuple:
        return tuple(getattr(instance, attname) for attname in self._attnames)

    def previous_values(self, instance: Model) -> tuple:
        """The values when loaded or last saved."""
        snapshot = instance.__dict__.get(self._snapshot_attr, {})
        return tuple(snapshot.get(a) for a in self._attnames)

    def _before_save(self, sender, instance: Model, raw: bool = False, **kwargs) -> None:
        # Fields deferred when the instance was loaded are read now, before the UPDATE overwrites them
        # (the one query a tracked save may add when fields were deferred).
        snapshot = instance.__dict__.setdefault(self._snapshot_attr, {})
        missing = [a for a in self._attnames if a not in snapshot]
        if missing and not raw and not instance._state.adding and instance.pk is not None:
            snapshot.update(self.model._base_manager.filter(pk=instance.pk).values(*missing).first() or {})

    def _take_snapshot(self, instance: Model) -> None:
        # Deferred fields are left out: reading them here would cost a query per loaded object.
        instance.__dict__[self._snapshot_attr] = {
            a: instance.__dict__[a] for a in self._attnames if a in instance.__dict__
        }

    def _on_init(self, sender, instance: Model, **kwargs) -> None:
        self._take_snapshot(instance)

    def _on_save(self, sender, instance: Model, created: bool, raw: bool = False, **kwargs) -> None:
        if raw:  # loading fixtures
            return
        current = self.current_values(instance)
        previous_stocks: Sequence[Any]
        if created:
            _, current_stocks = self.states_to_stocks_func(current, current)
            previous_stocks = (None,) * len(current_stocks)
        else:
            previous = self.previous_values(instance)
            if previous == current:
                return
            previous_stocks, current_stocks = self.states_to_stocks_func(previous, current)
        record_transitions(instance, previous_stocks, current_stocks, self.flows)
        self._take_snapshot(instance)

    def _before_delete(self, sender, instance: Model, **kwargs) -> None:
        # After the deletion the facet values can't be read any more: read them while the row is there.
        labels = read_facet_labels(self.model, [instance.pk], self._facet_lookups).get(instance.pk, {})
        instance.__dict__[self._deleted_labels_attr] = labels

    def _on_delete(self, sender, instance: Model, **kwargs) -> None:
        previous = self.previous_values(instance)
        previous_stocks, _ = self.states_to_stocks_func(previous, previous)
        # The row is gone, so the event keeps only the subject's name and its facet values.
        record_transitions(
            None,
            previous_stocks,
            (None,) * len(previous_stocks),
            self.flows,
            label=str(instance),
            facet_labels=instance.__dict__.pop(self._deleted_labels_attr, {}),
        )


def _attname(model: type[Model], name: str) -> str:
    field = model._meta.get_field(name)
    if not isinstance(field, Field):
        raise ValueError(
            f"{model.__name__}.{name} is not a field of its own: a tracker reads concrete fields."
        )
    return field.attname
