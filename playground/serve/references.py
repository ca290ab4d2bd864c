"""A document patch that costs what it changes, not what the page holds.

Bokeh builds a table of every model in the document for each patch it sends or
receives: sending, the `Serializer` makes a reference for each synced model
(`{id(model): model.ref}`); receiving, the `Deserializer` maps each model's ID to it.
Both visit every model's attributes. The dense page holds some 460 models, and a
classroom server sends a frame and receives the browser's reply for each learner
several times a second: with 30 learners, a quarter of the server's time went to
these tables (py-spy on `benchmarks/classroom_load.py`), though a frame changes
about ten models.

`cheap_references()` keeps Bokeh's behaviour and changes only how the tables are
made. The document already keeps its models by ID (`DocumentModelManager._models`),
so each table is a copy of that dict, a C loop that never touches a model; the
sending side makes a model's reference only when the patch refers to it. Copies,
not views: a patch works on the models as they were when it began, as in Bokeh.
tests/test_references.py checks that messages come out the same, byte for byte,
and that patches apply the same way.
"""
from __future__ import annotations

import importlib
from collections.abc import Set
from operator import attrgetter

from bokeh.core.serialization import Deserializer, Ref, Serializer
from bokeh.document.models import DocumentModelManager
from bokeh.model import Model

_model_id = attrgetter("_id")     # what Model.id returns, without the property call


class SyncedModels(Set):
    """The models the other side already has (Bokeh's `synced_references`), as a snapshot of two tables."""

    def __init__(self, manager: DocumentModelManager) -> None:
        self._by_id = dict(manager._models)
        self._new = frozenset(manager._new_models)

    def __contains__(self, obj) -> bool:
        return isinstance(obj, Model) and self._by_id.get(obj._id) is obj and obj not in self._new

    def __iter__(self):
        return (model for model in self._by_id.values() if model not in self._new)

    def __len__(self) -> int:
        return len(self._by_id) - len(self._new)


class LazyRefSerializer(Serializer):
    """Bokeh's `Serializer`, whose references to the synced models are made on first use."""

    def __init__(self, *, references=frozenset(), deferred: bool = True, check_circular: bool = False) -> None:
        super().__init__(deferred=deferred, check_circular=check_circular)
        self._synced = references if isinstance(references, SyncedModels) else set(references)

    def has_ref(self, obj) -> bool:
        return id(obj) in self._references or obj in self._synced

    def get_ref(self, obj) -> Ref | None:
        ref = self._references.get(id(obj))
        if ref is None and obj in self._synced:
            ref = self._references[id(obj)] = obj.ref
        return ref


class QuickDeserializer(Deserializer):
    """Bokeh's `Deserializer`, whose table of known models is a copy of the document's own."""

    def __init__(self, references=None, *, setter=None) -> None:
        super().__init__(None, setter=setter)
        if not references:
            return
        document = references[0].document
        if document is not None and len(references) == len(document.models):
            # All the document's models, as `Document.apply_json_patch` passes them.
            self._references = dict(document.models._models)
        else:
            self._references = dict(zip(map(_model_id, references), references))


def cheap_references() -> None:
    """Make every document patch, sent or received, skip the per-model tables; calling it again changes nothing."""
    # By module path: `bokeh.protocol.messages` names its class `patch_doc` like the module.
    importlib.import_module("bokeh.protocol.messages.patch_doc").Serializer = LazyRefSerializer
    importlib.import_module("bokeh.document.document").Deserializer = QuickDeserializer
    DocumentModelManager.synced_references = property(SyncedModels)
