"""A document patch that costs what it changes, not what the page holds.

Bokeh builds a table of every model in the document for each patch it sends or
receives: sending, the `Serializer` makes a reference for each synced model
(`{id(model): model.ref}`); receiving, the `Deserializer` maps each model's ID to it.
The dense page holds some 460 models, and a classroom server sends a frame and
receives the browser's reply for each learner several times a second: with 30
learners, a quarter of the server's time went to these tables (py-spy on
`benchmarks/classroom_load.py`), though a frame changes about ten models.

`cheap_references()` keeps Bokeh's behaviour and changes only how the tables are
made: the sending table holds the synced models and makes a model's reference when
the patch refers to it; the receiving table and the set of synced models are built
by C loops (`dict(zip(...))`, set difference) instead of Python comprehensions that
call a property per model. tests/test_references.py checks that messages come out
the same, byte for byte, and that patches apply the same way.
"""
from __future__ import annotations

import importlib
from operator import attrgetter

from bokeh.core.serialization import Deserializer, Ref, Serializer
from bokeh.document.models import DocumentModelManager

_model_id = attrgetter("_id")     # what Model.id returns, without the property call


class LazyRefSerializer(Serializer):
    """Bokeh's `Serializer`, whose references to the synced models are made on first use."""

    def __init__(self, *, references=frozenset(), deferred: bool = True, check_circular: bool = False) -> None:
        super().__init__(deferred=deferred, check_circular=check_circular)
        self._synced = dict(zip(map(id, references), references))

    def has_ref(self, obj) -> bool:
        return id(obj) in self._references or id(obj) in self._synced

    def get_ref(self, obj) -> Ref | None:
        ref = self._references.get(id(obj))
        if ref is None and (model := self._synced.get(id(obj))) is not None:
            ref = self._references[id(obj)] = model.ref
        return ref


class QuickDeserializer(Deserializer):
    """Bokeh's `Deserializer`, with its table of known models built in one C loop."""

    def __init__(self, references=None, *, setter=None) -> None:
        super().__init__(None, setter=setter)
        if references:
            self._references = dict(zip(map(_model_id, references), references))


def _synced_references(self: DocumentModelManager) -> set:
    """The document's models that the other side already has (Bokeh's definition, as set arithmetic)."""
    models = set(self._models.values())
    return models - self._new_models if self._new_models else models


def cheap_references() -> None:
    """Make every document patch, sent or received, skip the per-model tables; calling it again changes nothing."""
    # By module path: `bokeh.protocol.messages` names its class `patch_doc` like the module.
    importlib.import_module("bokeh.protocol.messages.patch_doc").Serializer = LazyRefSerializer
    importlib.import_module("bokeh.document.document").Deserializer = QuickDeserializer
    DocumentModelManager.synced_references = property(_synced_references)
