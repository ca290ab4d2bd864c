"""The registry of CNN layer kinds: one module per kind, each a `Kind` (see `base`).

The page, the loader, the preflight and `explain` go through this registry;
nothing else looks at a kind's name. A new kind is one new module here, listed
in `KINDS`, and its test in tests/test_cnn_kinds.py.
"""
from __future__ import annotations

from playground.cnn.kinds import (avgpool, batchnorm, conv, dense, dropout, flatten, global_average, input,
                                  linear, pool, relu, softmax)
from playground.cnn.kinds.base import ElementwiseKind, Kind, Selection
from playground.i18n import _

KINDS: dict[str, Kind] = {k.name: k for k in (
    input.KIND, conv.KIND, relu.KIND, linear.KIND, dropout.KIND, batchnorm.KIND, pool.KIND, avgpool.KIND,
    global_average.KIND, flatten.KIND, dense.KIND, softmax.KIND)}
INPUT: Kind = input.KIND     # the first trace of every explanation
OUTPUT: Kind = softmax.KIND  # how the output column is explained: its logits' softmax


def kind_of(trace) -> Kind:
    """The kind of a `LayerTrace`."""
    return KINDS[trace.kind]


def layer_kind(class_name: str, config: dict, on_vector: bool) -> tuple[Kind | None, str | None]:
    """(kind, None) for a saved Keras layer the views can show, else (None, why not).

    `config` is the layer's saved config (``layer.get_config()``); `on_vector`
    says its input is a vector (it comes after Flatten).
    """
    problems = []
    for kind in KINDS.values():
        if class_name in kind.keras_classes:
            problem = kind.problem(class_name, config if isinstance(config, dict) else {}, on_vector)
            if problem is None:
                return kind, None
            problems.append(problem)
    return None, problems[0] if problems else _("a layer type the views cannot show")


def chain_problems(layers: list[tuple[str, str, dict]]) -> list[str]:
    """What the views cannot show in a chain of saved layers, each (class name, layer name, config).

    The input layer is not in the list. Every layer is named at once; the last
    one must be able to end the model (the Dense output layer).
    """
    problems, on_vector, last_kind = [], False, None
    for class_name, name, config in layers:
        last_kind, problem = layer_kind(class_name, config, on_vector)
        if problem:
            problems.append(_("{layer} ({type}: {problem})").format(layer=name, type=class_name, problem=problem))
        elif last_kind.makes_vector:
            on_vector = True
    if last_kind is None:
        problems.append(_("the last layer must be the Dense output layer"))
    else:
        problem = last_kind.output_problem(layers[-1][1], layers[-1][2])
        if problem:
            problems.append(problem)
    return problems


def supported_layers() -> str:
    """The Keras layer classes the views can show, for messages."""
    names = []
    for kind in KINDS.values():
        names.extend(c for c in kind.keras_classes if c not in names)
    return ", ".join(names)


__all__ = ["KINDS", "INPUT", "OUTPUT", "Kind", "ElementwiseKind", "Selection", "kind_of", "layer_kind",
           "chain_problems", "supported_layers"]
