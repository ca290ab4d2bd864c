"""The dense playground and Keras, both ways: a trained network as a `.keras` file, its data as CSV,
a Keras program that trains the same network, and a `.keras` Sequential loaded back.

Keras is imported inside the functions: the dense side (page, CLI) must come up without TensorFlow.
"""
from __future__ import annotations

import csv
import os
import tempfile

import numpy as np

from playground.datasets.features import FEATURES
from playground.i18n import _
from playground.serve.upload_limits import DENSE, ArchiveRefused, checked_keras_archive
from playground.serve.user_text import echo
from playground.dense.engine import ACTIVATIONS, LEAKY_SLOPE, OUTPUT_ACTIVATIONS
from playground.dense.settings import MAX_DROPOUT, MAX_LAYERS, MAX_NEURONS, WIDE_NEURONS

# A .keras file does not name its inputs, so the export writes them into the model's name.
NAME_PREFIX = "playground_"
# Ours -> Keras's activation names. Keras's "leaky_relu" has slope 0.2, ours 0.01: that one is a
# linear Dense followed by a LeakyReLU layer with our slope instead.
KERAS_ACTIVATION = {"relu": "relu", "tanh": "tanh", "sigmoid": "sigmoid", "linear": "linear",
                    "elu": "elu", "swish": "swish", "leaky_relu": None}
# Keras's names -> ours ("silu" is what Keras 3 serialises swish as).
FROM_KERAS = {"relu": "relu", "tanh": "tanh", "sigmoid": "sigmoid", "linear": "linear", "elu": "elu",
              "swish": "swish", "silu": "swish", "softmax": "softmax"}


class KerasImportError(ValueError):
    """A file that is not a playground-sized dense Sequential; the message is one line."""


def _keras():
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")   # keep TensorFlow's start-up chatter off stderr
    import keras

    return keras


def _layer_plan(widths, activation: str, output: str) -> list[tuple[int, str, bool]]:
    """(width, Keras activation, followed by our LeakyReLU?) for each Dense layer."""
    plan = []
    for i, width in enumerate(widths):
        act = output if i == len(widths) - 1 else KERAS_ACTIVATION[activation]
        plan.append((width, act or "linear", act is None))
    return plan


def build_keras(features, widths, activation: str, output: str, dropout: float = 0.0):
    """A Keras Sequential of our shape: Input(len(features)), then Dense layers as `widths` says,
    each hidden one followed by Dropout(`dropout`) when it is above 0 (active in training only)."""
    keras = _keras()
    layers = [keras.Input((len(features),), name="features")]
    plan = _layer_plan(widths, activation, output)
    for i, (width, act, leaky) in enumerate(plan, 1):
        layers.append(keras.layers.Dense(width, activation=act, name=f"dense_{i}"))
        if leaky:
            layers.append(keras.layers.LeakyReLU(negative_slope=LEAKY_SLOPE, name=f"leaky_relu_{i}"))
        if dropout and i < len(plan):
            layers.append(keras.layers.Dropout(dropout, name=f"dropout_{i}"))
    return keras.Sequential(layers, name=NAME_PREFIX + "_".join(features))


def export_path_problem(keras_path=None, csv_path=None, script_path=None) -> str | None:
    """Why an export could not be written at these paths (a missing folder, a wrong suffix), or None."""
    for path in (keras_path, csv_path, script_path):
        if not path:
            continue
        folder = os.path.dirname(os.path.abspath(str(path)))
        if os.path.isdir(str(path)):
            return _("{path} is a folder: give a file name").format(path=echo(path))
        if not os.path.isdir(folder):
            return _("{path}: the folder {folder} does not exist").format(path=echo(path), folder=echo(folder))
        if not os.access(folder, os.W_OK):
            return _("{path}: the folder {folder} cannot be written to").format(path=echo(path), folder=echo(folder))
    if keras_path and not str(keras_path).endswith(".keras"):   # Keras would quietly write legacy HDF5 for ".h5"
        return _("{name}: a Keras export's file name ends in .keras").format(name=echo(os.path.basename(str(keras_path))))
    return None


def export_keras(trainer, path) -> None:
    """Save the trainer's network as a `.keras` Sequential whose outputs equal the engine's."""
    if not str(path).endswith(".keras"):   # Keras would quietly write legacy HDF5 for ".h5"
        raise ValueError(_("{name}: a Keras export's file name ends in .keras").format(
            name=os.path.basename(str(path))))
    net, s = trainer.network, trainer.settings
    model = build_keras(s.features, [w.shape[1] for w in net.weights], net.activation, net.output, s.dropout)
    dense = [layer for layer in model.layers if layer.__class__.__name__ == "Dense"]
    for layer, w, b in zip(dense, net.weights, net.biases):
        layer.set_weights([w.astype(np.float32), b.astype(np.float32)])   # ours is (in, out), as Keras's
    model.save(str(path))


def export_csv(trainer, path) -> None:
    """The data, one row per point: x1, x2, the other selected features, label, split."""
    s = trainer.settings
    extra = [f for f in s.features if f not in ("x1", "x2")]
    with open(path, "w", newline="") as fh:
        out = csv.writer(fh)
        out.writerow(["x1", "x2", *extra, "label", "split"])
        for name, data in (("train", trainer.train), ("test", trainer.test)):
            x, y = data.points[:, 0], data.points[:, 1]
            cols = [x, y] + [FEATURES[f].fn(x, y) for f in extra]
            for i, label in enumerate(data.labels):
                lab = int(label) if data.kind != "regression" else repr(float(label))
                out.writerow([repr(float(c[i])) for c in cols] + [lab, name])


_OPTIMIZERS = {
    "sgd": "keras.optimizers.SGD(learning_rate={lr})",
    "momentum": "keras.optimizers.SGD(learning_rate={lr}, momentum=0.9)",
    "adam": "keras.optimizers.Adam(learning_rate={lr}, beta_1=0.9, beta_2=0.999, epsilon=1e-8)",
    "rmsprop": "keras.optimizers.RMSprop(learning_rate={lr}, rho=0.9, epsilon=1e-8)",
}
# Where Keras's optimizer is not exactly ours, the script says so (Keras 3's formulas).
_OPTIMIZER_NOTES = {
    "adam": "# Keras's Adam adds ε to √v before the bias correction; the playground adds it to √v̂.\n",
    "rmsprop": "# Keras's RMSprop divides by √(v + ε); the playground by √v + ε.\n",
}

_SCRIPT = '''\
"""Train the network from the neural-network playground with Keras.

Run:  python {script} DATA.csv   (DATA.csv from `playground train --export-csv`)
"""
import csv
import sys

import numpy as np
import keras

FEATURES = {features!r}   # the network's inputs, in order (columns of the CSV)

rows = list(csv.DictReader(open(sys.argv[1])))
x = np.array([[float(r[f]) for f in FEATURES] for r in rows], dtype="float32")
label = np.array([float(r["label"]) for r in rows], dtype="float32")
train = np.array([r["split"] == "train" for r in rows])
{target}
# The playground starts from weights uniform in [-0.5, 0.5] and biases 0.1.
init = dict(kernel_initializer=keras.initializers.RandomUniform(-0.5, 0.5),
            bias_initializer=keras.initializers.Constant(0.1){regularizer})
model = keras.Sequential([
    keras.Input(({n_inputs},)),
{layers}])
{loss}


class EpochLine(keras.callbacks.Callback):
    """One line per epoch (Keras's own progress takes two), so a long run shows that it is alive."""

    def on_epoch_end(self, epoch, logs=None):
        print(f"epoch {{epoch + 1}}/{{self.params['epochs']}}",
              *(f"{{name}} {{value:.4f}}" for name, value in (logs or {{}}).items()), flush=True)


{optimizer_note}model.compile(optimizer={optimizer}, loss=loss{metrics})
# Keras makes a last, smaller batch of the points left over in an epoch; the playground carries them
# into the next epoch's first batch.
{early_stopping}model.fit(x[train], y[train], batch_size={batch_size}, epochs={epochs}, shuffle={shuffle}, verbose=0,
          callbacks=[EpochLine(){stop}]{fit_extra})
result = model.evaluate(x[~train], y[~train], verbose=0, return_dict=True)
print(f"test loss {{result.pop('loss'):.4f}}", *(f"{{name}} {{value:.4f}}" for name, value in result.items()))
{accuracy}'''


def export_script(trainer, path, epochs: int | None = None) -> None:
    """A short Keras program that trains the same network on the exported CSV and evaluates it."""
    net, s = trainer.network, trainer.settings
    layers = []
    plan = _layer_plan([w.shape[1] for w in net.weights], net.activation, net.output)
    for i, (width, act, leaky) in enumerate(plan, 1):
        layers.append(f"    keras.layers.Dense({width}, activation={act!r}, **init),")
        if leaky:
            layers.append(f"    keras.layers.LeakyReLU(negative_slope={LEAKY_SLOPE}),  # Keras's own slope is 0.2")
        if s.dropout and i < len(plan):
            layers.append(f"    keras.layers.Dropout({s.dropout!r}),  # in training only, as in the playground")
    if net.output == "softmax":
        target = "y = label.astype(int)   # class indices\n"
        loss = 'loss = "sparse_categorical_crossentropy"   # the same cross-entropy as the playground\'s'
    elif net.output == "sigmoid":
        target = "y = (label[:, None] + 1) / 2   # the labels are ±1; a sigmoid output aims at 0/1\n"
        loss = 'loss = "binary_crossentropy"   # the same cross-entropy as the playground\'s'
    else:
        target = "y = label[:, None]\n"
        loss = ("# The playground's loss is ½(out − y)². Keras's own \"mean_squared_error\" is (out − y)²,\n"
                "# twice ours, so with it every step would be twice as large.\n"
                "def loss(y_true, y_pred):\n"
                "    return 0.5 * keras.ops.sum((y_pred - y_true) ** 2, axis=-1)")
    text = _SCRIPT.format(
        script=getattr(path, "name", str(path)).rsplit("/", 1)[-1], features=list(s.features), target=target,
        regularizer=_regularizer(s), n_inputs=len(s.features), layers="\n".join(layers) + "\n", loss=loss,
        optimizer=_OPTIMIZERS[s.optimizer].format(lr=s.learning_rate), optimizer_note=_OPTIMIZER_NOTES.get(s.optimizer, ""),
        metrics=', metrics=["accuracy"]' if net.output in ("sigmoid", "softmax") else "",
        # Keras's "accuracy" thresholds at 0.5 on 0/1 labels; a tanh output's labels are ±1.
        accuracy='print("test accuracy", np.mean(np.where(model.predict(x[~train], verbose=0)[:, 0] >= 0, 1, -1)'
                 ' == label[~train]))\n' if net.output == "tanh" else "",
        batch_size=trainer.batch_size, epochs=trainer.epoch if epochs is None else epochs, shuffle=bool(s.shuffle),
        early_stopping=_early_stopping(s), stop=", stop" if s.early_stopping else "",
        fit_extra=", validation_data=(x[~train], y[~train])" if s.early_stopping else "")
    with open(path, "w") as fh:
        fh.write(text)


def _early_stopping(s) -> str:
    """The EarlyStopping callback the playground's early stopping is, or ""."""
    if not s.early_stopping:
        return ""
    return ("# Early stopping as in the playground: watch the test loss, stop after {p} epochs without a lower\n"
            "# one, and keep the best epoch's weights. (Keras's val_loss includes an L1/L2 penalty; the\n"
            "# playground's test loss does not.)\n"
            "stop = keras.callbacks.EarlyStopping(monitor=\"val_loss\", patience={p}, restore_best_weights=True)\n"
            ).format(p=s.early_stopping)


def _regularizer(s) -> str:
    """The kernel regularizer argument, or "" (the output layer is regularized too, as in ours)."""
    if s.regularization == "none" or not s.reg_rate:
        return ""
    if s.regularization == "l2":
        return (",\n            # Keras's L2(λ) adds λ·w² to the loss; the playground adds rate·½w², so λ = rate / 2"
                "\n            # (the playground steps it outside the optimizer: the same for plain SGD, not for the others)."
                f"\n            kernel_regularizer=keras.regularizers.L2({s.reg_rate / 2!r})")
    return (",\n            # Keras's L1 steps like the playground's, but never cuts a link whose sign it flips."
            f"\n            kernel_regularizer=keras.regularizers.L1({s.reg_rate!r})")


EXPORTS = {"keras": "playground.keras", "csv": "playground-data.csv", "script": "train_playground.py"}


def export_bytes(trainer, kind: str) -> bytes:
    """Export `kind` ("keras", "csv" or "script", named as in EXPORTS) as bytes: the browser's downloads."""
    write = {"keras": export_keras, "csv": export_csv, "script": export_script}[kind]
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, EXPORTS[kind])
        write(trainer, path)
        with open(path, "rb") as fh:
            return fh.read()


def import_bytes(name: str, data: bytes, max_neurons: int = MAX_NEURONS) -> tuple[dict, tuple[list, list]]:
    """`import_keras` for an uploaded file: its bytes, and its name as the user gave it (for messages only)."""
    return import_keras(data, max_neurons=max_neurons, display_name=os.path.basename(name) or "upload.keras")


def import_keras(source, features=None, max_neurons: int = MAX_NEURONS,
                 display_name: str | None = None) -> tuple[dict, tuple[list, list]]:
    """Load a dense Sequential with safe_mode; (settings changes, (weights, biases)) or KerasImportError.

    `source` is a path or a file's bytes. The archive is checked against `upload_limits.DENSE`
    (members, sizes, layer count) before Keras builds anything, and nothing is left in the
    temporary folder whether it loads or not.

    The changes are settings names and values, plus "output": the output activation the data
    set must have (see `apply_import`).

    The inputs are named by `features`, else by the model's name as `export_keras` writes it,
    else they are the first k of x1, x2, x1sq, … .
    """
    is_bytes = isinstance(source, (bytes, bytearray, memoryview))
    # never the server's whole path in a message
    name = echo(display_name or ("upload.keras" if is_bytes else os.path.basename(str(source))))
    if not is_bytes and not os.path.isfile(source):
        raise KerasImportError(_("cannot load {name}: no such file").format(name=name))
    try:
        with checked_keras_archive(source if is_bytes else str(source), DENSE) as (path, _config):
            keras = _keras()
            try:
                model = keras.saving.load_model(path, safe_mode=True, compile=False)
            except Exception as exc:   # noqa: BLE001 - any unreadable or unsafe file is one line for the user
                raise KerasImportError(_("cannot load {name}: {reason}").format(
                    name=name, reason=_keras_reason(exc, path))) from None
    except ArchiveRefused as exc:
        raise KerasImportError(_("cannot load {name}: {reason}").format(name=name, reason=exc)) from None
    if not isinstance(model, keras.Sequential):
        raise KerasImportError(_("the model is a {kind}, not a Sequential").format(kind=type(model).__name__))
    # Each Dense, optionally followed by our LeakyReLU (which makes the Dense before it leaky_relu)
    # and, after a hidden one, by Dropout.
    dense, acts, dropouts = [], [], []
    for layer in model.layers:
        kind = type(layer).__name__
        cfg = layer.get_config()
        if kind == "Dense":
            dense.append(layer)
            act = cfg.get("activation")
            # Keras's own "leaky_relu" (slope 0.2) is not ours: it maps to a name that fits nothing.
            acts.append("keras_leaky" if act == "leaky_relu" else FROM_KERAS.get(act, act) if isinstance(act, str)
                        else repr(act))
        elif kind == "LeakyReLU" and dense and acts[-1] == "linear" \
                and np.isclose(cfg.get("negative_slope", cfg.get("alpha", 0.3)), LEAKY_SLOPE):
            acts[-1] = "leaky_relu"
        elif kind == "Dropout" and dense and len(dropouts) < len(dense):
            dropouts.append((layer, len(dense), float(cfg.get("rate", 0.0))))
        else:
            raise KerasImportError(_("layer {layer} ({kind}) does not fit: only Dense layers, each followed by at "
                                     "most one Dropout, are supported").format(layer=repr(layer.name), kind=kind))
    if not dense:
        raise KerasImportError(_("the model has no Dense layer"))
    hidden_acts, output = acts[:-1], acts[-1]
    if output not in OUTPUT_ACTIVATIONS:
        raise KerasImportError(_("output activation {activation} does not fit: use one of {choices}").format(
            activation=repr(dense[-1].get_config().get("activation")), choices=", ".join(OUTPUT_ACTIVATIONS)))
    for layer, act in zip(dense, hidden_acts):
        if act not in ACTIVATIONS:
            message = (_("activation of {layer} does not fit (Keras's leaky_relu has slope 0.2, the playground's "
                         "0.01): use one of {choices}") if act == "keras_leaky" else
                       _("activation of {layer} does not fit: use one of {choices}"))
            raise KerasImportError(message.format(layer=repr(layer.name), choices=", ".join(ACTIVATIONS)))
    if len(set(hidden_acts)) > 1:
        raise KerasImportError(_("hidden layers use different activations ({activations}): the playground has "
                                 "one for all").format(activations=", ".join(hidden_acts)))
    weights, biases = [], []
    for layer in dense:
        params = layer.get_weights()
        w = np.asarray(params[0], dtype=np.float64)
        weights.append(w)
        biases.append(np.asarray(params[1], dtype=np.float64) if len(params) > 1 else np.zeros(w.shape[1]))
    k = weights[0].shape[0]
    hidden = [w.shape[1] for w in weights[:-1]]
    if len(hidden) > MAX_LAYERS or any(n > max_neurons for n in hidden):
        message = _("hidden layers {hidden} do not fit: at most {layers} layers of at most {neurons} neurons")
        if max_neurons < WIDE_NEURONS and len(hidden) <= MAX_LAYERS and max(hidden) <= WIDE_NEURONS:
            message = _("hidden layers {hidden} do not fit: at most {layers} layers of at most {neurons} neurons "
                        "(turn on 16 neurons under Advanced)")
        raise KerasImportError(message.format(hidden=hidden, layers=MAX_LAYERS, neurons=max_neurons))
    dropout = _dropout_rate(dropouts, len(dense))
    if features is None:
        named = model.name[len(NAME_PREFIX):].split("_") if model.name.startswith(NAME_PREFIX) else None
        features = named if named and all(f in FEATURES for f in named) else list(FEATURES)[:k]
    features = list(features)
    if len(features) != k or len(set(features)) != k or not set(features) <= set(FEATURES):
        raise KerasImportError(_("the model has {k} inputs, which do not fit the features {features} (at most "
                                 "{n} of {choices})").format(k=k, features=features, n=len(FEATURES),
                                                             choices=", ".join(FEATURES)))
    n_out = weights[-1].shape[1]
    if (output == "softmax") != (3 <= n_out <= 5) or (output != "softmax" and n_out != 1):
        raise KerasImportError(_("an output of {n} units with {activation} does not fit: one unit (tanh, sigmoid "
                                 "or linear) or 3–5 units with softmax").format(n=n_out, activation=output))
    changes = {"features": features, "hidden": hidden, "activation": hidden_acts[0] if hidden_acts else "tanh",
               "dropout": dropout}
    if output == "softmax":
        changes["n_classes"] = n_out
    elif output in ("tanh", "sigmoid"):
        changes["loss"] = "squared" if output == "tanh" else "cross_entropy"
    changes["output"] = output
    return changes, (weights, biases)


def _keras_reason(exc: Exception, path: str) -> str:
    """Keras's message for a file it could not load, as one whole line without the server's paths."""
    text = " ".join(str(exc).split()) or type(exc).__name__
    text = text.replace(path, "").replace(os.path.dirname(path), "")
    if len(text) > 200:   # whole sentences: Keras's messages run on
        text = text[:200].rsplit(". ", 1)[0].rstrip(".") + "."
    return text


def _dropout_rate(dropouts, n_dense: int) -> float:
    """The playground's one dropout rate from the model's Dropout layers: one after each hidden Dense, all alike."""
    if not dropouts:
        return 0.0
    for layer, after, rate in dropouts:
        if after == n_dense:
            raise KerasImportError(_("layer {layer} (Dropout) does not fit: the output is never dropped").format(
                layer=repr(layer.name)))
    rates = {rate for layer, after, rate in dropouts}
    if sorted(after for layer, after, rate in dropouts) != list(range(1, n_dense)) or len(rates) > 1:
        raise KerasImportError(_("the Dropout layers do not fit: the playground has one rate, after every hidden "
                                 "layer"))
    rate = rates.pop()
    if not 0 <= rate <= MAX_DROPOUT:
        raise KerasImportError(_("a dropout rate of {rate} does not fit: at most {most}").format(
            rate=rate, most=MAX_DROPOUT))
    return rate


def apply_import(settings, changes: dict) -> None:
    """Set the imported shape on `settings`; KerasImportError if the model's output does not fit its data."""
    for name, value in changes.items():
        if name != "output":
            setattr(settings, name, value)
    if settings.output_activation != changes["output"]:
        raise KerasImportError(_("the model's {output} output does not fit the {kind} data set {dataset}, which "
                                 "needs a {needed} output").format(output=changes["output"], kind=settings.kind,
                                                                   dataset=repr(settings.dataset),
                                                                   needed=settings.output_activation))
