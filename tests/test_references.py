"""playground/serve/references.py: patches cost what they change, and come out exactly as Bokeh makes them."""
import importlib
import json

import numpy as np
import panel as pn
import pytest
from bokeh.core.serialization import Deserializer, Serializer
from bokeh.document import Document
from bokeh.model import Model
from bokeh.models import Column as BokehColumn
from bokeh.models import ColumnDataSource, Div
from bokeh.protocol import Protocol

from playground.dense.page import DensePage
from playground.serve.references import LazyRefSerializer, QuickDeserializer, cheap_references

PATCH_DOC = importlib.import_module("bokeh.protocol.messages.patch_doc")
DOCUMENT = importlib.import_module("bokeh.document.document")


def bokeh_synced(doc: Document) -> set:
    """Bokeh's own definition of the synced models (DocumentModelManager.synced_references)."""
    return {m for m in doc.models._models.values() if m not in doc.models._new_models}


@pytest.fixture
def served_page():
    """A dense page in a document as the server holds it once the browser has the page."""
    cheap_references()
    page = DensePage()
    doc = Document()
    doc.add_root(pn.panel(page).get_root(doc))
    doc.models.flush_synced()              # what sending the page (PULL-DOC) does
    events: list = []
    doc.callbacks.on_change(events.append)
    page.trainer.step(3)
    return page, doc, events


def normalised(message) -> tuple[dict, list[bytes]]:
    """A PATCH-DOC's content with its buffers' random IDs replaced by their order, and the buffers."""
    text = message.content_json
    for i, buffer in enumerate(message.buffers):
        text = text.replace(json.dumps(buffer.id), json.dumps(f"buffer-{i}"))
    return json.loads(text), [bytes(buffer.to_bytes()) for buffer in message.buffers]


def both_ways(doc: Document, events: list, monkeypatch) -> tuple:
    """The message for `events` as Bokeh makes it and as the cheap tables make it, from the same state."""
    new_before = set(doc.models._new_models)
    with monkeypatch.context() as m:
        m.setattr(PATCH_DOC, "Serializer", Serializer)
        original = Protocol().create("PATCH-DOC", events)
    new_after_original = set(doc.models._new_models)
    doc.models._new_models = set(new_before)
    cheap = Protocol().create("PATCH-DOC", events)
    return original, cheap, new_after_original, set(doc.models._new_models)


def test_installed_where_bokeh_looks_them_up():
    cheap_references()
    cheap_references()          # twice changes nothing
    assert PATCH_DOC.Serializer is LazyRefSerializer
    assert DOCUMENT.Deserializer is QuickDeserializer


def test_live_frames_make_the_same_messages(served_page, monkeypatch):
    page, doc, events = served_page
    for _ in range(3):
        page.trainer.step(2)
        events.clear()
        page._redraw()
        original, cheap, new_original, new_cheap = both_ways(doc, events, monkeypatch)
        assert normalised(cheap) == normalised(original)
        assert new_cheap == new_original


def test_new_models_are_sent_whole_and_then_by_reference(served_page, monkeypatch):
    """A change that adds models (here a paragraph): the patch carries them in full once; they are synced after."""
    page, doc, events = served_page
    events.clear()
    column = next(m for m in doc.models if isinstance(m, BokehColumn) and m.children)
    column.children = [*column.children, Div(text="new")]
    assert doc.models._new_models
    original, cheap, new_original, new_cheap = both_ways(doc, events, monkeypatch)
    assert normalised(cheap) == normalised(original)
    assert new_cheap == new_original == set()
    assert doc.models.synced_references == bokeh_synced(doc) == set(doc.models._models.values())


def test_a_frame_makes_references_only_to_what_it_changes(served_page, monkeypatch):
    """The point of it: a frame's message no longer costs one reference per model of the page."""
    page, doc, events = served_page
    page.trainer.step(1)
    events.clear()
    page._redraw()
    made = []
    original_ref = Model.ref
    monkeypatch.setattr(Model, "ref", property(lambda self: made.append(self) or original_ref.fget(self)))
    Protocol().create("PATCH-DOC", events)
    assert 0 < len(made) <= 2 * len(events) < len(doc.models) / 4


def test_synced_references_match_bokeh_with_new_models():
    cheap_references()
    doc = Document()
    old, new = ColumnDataSource({"x": [1]}), ColumnDataSource({"x": [2]})
    doc.add_root(old)
    doc.models.flush_synced()
    doc.add_root(new)
    assert doc.models._new_models
    assert doc.models.synced_references == bokeh_synced(doc)
    assert old in doc.models.synced_references and new not in doc.models.synced_references


def test_synced_models_are_a_snapshot():
    """As Bokeh's set: models added after a patch began are not taken as known by the other side."""
    cheap_references()
    doc = Document()
    old = ColumnDataSource({"x": [1]})
    doc.add_root(old)
    doc.models.flush_synced()
    fresh = ColumnDataSource({"x": [3]})
    doc.add_root(fresh)
    synced, expected = doc.models.synced_references, bokeh_synced(doc)
    later = ColumnDataSource({"x": [2]})
    doc.add_root(later)
    doc.models.flush_synced()
    assert later not in synced and fresh not in synced and old in synced
    assert synced == expected and len(synced) == len(expected)
    assert "not a model" not in synced and later in doc.models.synced_references


def test_received_patches_know_the_same_models(served_page):
    page, doc, events = served_page
    models = list(doc.models)
    assert QuickDeserializer(models)._references == Deserializer(models)._references
    some = models[::3]          # not the whole document: the table holds just these
    assert QuickDeserializer(some)._references == Deserializer(some)._references
    assert QuickDeserializer()._references == {} == QuickDeserializer(None)._references


def test_a_patch_applies_the_same_on_the_other_side(served_page):
    """Server to browser-like client and back: the client's document follows, and its reply reaches the page."""
    page, doc, events = served_page
    client = Document.from_json(doc.to_json())
    page.trainer.step(4)
    events.clear()
    page._redraw()
    message = Protocol().create("PATCH-DOC", events)
    client.apply_json_patch(_with_buffers(message))
    grid = doc.get_model_by_name("decision-grid")
    client_grid = client.get_model_by_name("decision-grid")
    for column in grid.data:
        np.testing.assert_array_equal(np.asarray(client_grid.data[column]), np.asarray(grid.data[column]))

    taken = []
    doc.get_model_by_name("dense-ack").on_change("data", lambda attr, old, new: taken.append(new["frame"][0]))
    reply_events: list = []
    client.callbacks.on_change(reply_events.append)
    client.get_model_by_name("dense-ack").data = {"frame": [41]}
    reply = Protocol().create("PATCH-DOC", reply_events)
    doc.apply_json_patch(_with_buffers(reply))
    assert taken == [41]


def _with_buffers(message):
    """A message's content as the receiving side decodes it (binary buffers attached)."""
    from bokeh.core.serialization import Serialized

    return Serialized(message.content, message.buffers)
