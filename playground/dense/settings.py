"""Every setting of the dense playground, with the original's choices, bounds and defaults.

One `DenseSettings` drives the browser page, the URL and the headless CLI alike.
"""
from __future__ import annotations

import math

import param

from playground.datasets.features import FEATURES
from playground.datasets.playground_data import DATASETS, N_REGRESS, OWN_DATASETS, dataset_spec
from playground.dense.engine import ACTIVATIONS, Optimizer
from playground.i18n import _

LEARNING_RATES = [0.00001, 0.0001, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0]
REG_RATES = [0.0, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0]
MAX_LAYERS = 6
MAX_NEURONS = 8
WIDE_NEURONS = 16          # the limit with `wide_layers` ("Advanced")
# A batch as large as the largest training set: larger than the training set is the whole set.
MAX_BATCH = N_REGRESS
MAX_DROPOUT = 0.9
MAX_PATIENCE = 1000
PROBLEMS = {"classification": ("binary", "multiclass"), "regression": ("regression",)}

# A change of any of these rebuilds the network (the original's reset rules; the
# learning rate, display toggles and "regenerate" leave the network alone).
RESETS_NETWORK = frozenset({"problem", "dataset", "noise", "train_ratio", "n_classes", "features", "hidden",
                            "label_noise", "class_keep",
                            "activation", "regularization", "reg_rate", "loss", "optimizer", "seed",
                            "batch_size", "init_zero", "dropout", "early_stopping"})
# A change of any of these makes new data.
NEW_DATA = frozenset({"problem", "dataset", "noise", "train_ratio", "n_classes", "data_seed", "label_noise",
                      "class_keep"})


def check_hidden(sizes, max_neurons: int = MAX_NEURONS) -> None:
    """Raise ValueError unless `sizes` is 0–MAX_LAYERS layers of 1–`max_neurons` neurons."""
    if len(sizes) > MAX_LAYERS or any(not 1 <= n <= max_neurons for n in sizes):
        raise ValueError(f"at most {MAX_LAYERS} hidden layers of 1–{max_neurons} neurons each (got {list(sizes)})"
                         + ("; up to 16 with wide_layers=1" if max_neurons < WIDE_NEURONS and sizes
                            and max(sizes) <= WIDE_NEURONS else ""))


class LayerSizes(param.List):
    """A list of hidden-layer sizes, bounded in count and in size (checked before it is set).

    The bound here is the wide one; `DenseSettings` keeps layers to MAX_NEURONS unless
    `wide_layers` is on (a parameter cannot see its neighbours while it validates).
    """

    def _validate(self, val):
        super()._validate(val)
        check_hidden(val, WIDE_NEURONS)


def problem_of(dataset: str) -> str:
    return next(p for p, kinds in PROBLEMS.items() if dataset_spec(dataset).kind in kinds)


def datasets_for(problem: str) -> list[str]:
    return [name for name in DATASETS if problem_of(name) == problem]


class DenseSettings(param.Parameterized):
    """The dense playground's whole state; the URL query string mirrors it."""

    problem = param.Selector(default="classification", objects=list(PROBLEMS), doc="problem type")
    dataset = param.Selector(default="circle", objects=[*DATASETS, *OWN_DATASETS], doc="which data")
    noise = param.Integer(default=0, bounds=(0, 50), doc="noise, percent")
    train_ratio = param.Integer(default=50, bounds=(10, 90), doc="training share of the data, percent")
    n_classes = param.Integer(default=3, bounds=(3, 5), doc="classes of the multi-class sets")
    data_seed = param.Integer(default=0, bounds=(0, 2**31 - 1), doc="seed of the data; 'regenerate' bumps it")
    # Deliberate faults in the data (playground/dense/data_source.py), drawn from the data seed.
    label_noise = param.Integer(default=0, bounds=(0, 50), doc="training labels flipped, percent")
    class_keep = param.Integer(default=100, bounds=(1, 100),
                               doc="percent of one class kept (+1, or the last class): class imbalance")
    # The learner's own points for a link (data_source.encode_points), up to 300; more travel as a CSV.
    points = param.String(default="", doc="drawn points, packed (dataset own, own-multi or own-reg)")
    features = param.ListSelector(default=["x1", "x2"], objects=list(FEATURES), doc="input features")
    hidden = LayerSizes(default=[4, 2], item_type=int, doc="neurons of each hidden layer")
    activation = param.Selector(default="tanh", objects=list(ACTIVATIONS))
    learning_rate = param.Selector(default=0.03, objects=LEARNING_RATES)
    regularization = param.Selector(default="none", objects=["none", "l1", "l2"])
    reg_rate = param.Selector(default=0.0, objects=REG_RATES, doc="regularization rate")
    batch_size = param.Integer(default=10, bounds=(1, MAX_BATCH),
                               doc="points per update; at least the training set's size is full-batch descent")
    optimizer = param.Selector(default="sgd", objects=list(Optimizer.KINDS))
    loss = param.Selector(default="squared", objects=["squared", "cross_entropy"],
                          doc="loss for two classes; several classes always use cross-entropy")
    seed = param.Integer(default=0, bounds=(0, 2**31 - 1), doc="seed of the weights and of shuffling")
    init_zero = param.Boolean(default=False, doc="start every weight at 0 (TF Playground's initZero)")
    dropout = param.Number(default=0.0, bounds=(0.0, MAX_DROPOUT), step=0.05,
                           doc="dropout rate of the hidden layers during training (0: none)")
    early_stopping = param.Integer(default=0, bounds=(0, MAX_PATIENCE),
                                   doc="patience: stop after this many epochs without a lower test loss, "
                                       "restoring the best weights (0: off)")
    wide_layers = param.Boolean(default=False, doc="allow up to 16 neurons per hidden layer (8 otherwise)")
    shuffle = param.Boolean(default=False, doc="reshuffle the training points every epoch")
    show_test_data = param.Boolean(default=False)
    discretize = param.Boolean(default=False, doc="show the sign of the output")
    # 1: the original's pace; 0: slow motion, one mini-batch per frame (see pace.py).
    epochs_per_frame = param.Integer(default=1, bounds=(0, 100),
                                     doc="training speed: epochs per drawn frame (0: one mini-batch per frame)")

    # The problem type filters the data sets: picking one side picks a data set of it,
    # and picking a data set sets its side, so the pair always agrees.
    @param.depends("problem", watch=True)
    def _dataset_follows_problem(self):
        if self.kind not in PROBLEMS[self.problem]:
            self.dataset = datasets_for(self.problem)[0]

    @param.depends("dataset", watch=True)
    def _problem_follows_dataset(self):
        self.problem = problem_of(self.dataset)

    @param.depends("wide_layers", watch=True)
    def _narrow_layers(self):
        if not self.wide_layers and any(n > MAX_NEURONS for n in self.hidden):
            self.hidden = [min(n, MAX_NEURONS) for n in self.hidden]

    @property
    def max_neurons(self) -> int:
        """The most neurons a hidden layer may have now."""
        return WIDE_NEURONS if self.wide_layers else MAX_NEURONS

    @property
    def kind(self) -> str:
        """"binary", "multiclass" or "regression", from the data set."""
        return dataset_spec(self.dataset).kind

    @property
    def effective_loss(self) -> str:
        """Regression always uses squared error; several classes always cross-entropy."""
        return {"regression": "squared", "multiclass": "cross_entropy"}.get(self.kind, self.loss)

    @property
    def output_activation(self) -> str:
        if self.kind == "regression":
            return "linear"
        if self.kind == "multiclass":
            return "softmax"
        return "tanh" if self.effective_loss == "squared" else "sigmoid"

    @property
    def classic(self) -> bool:
        """True when the run is exactly the original TF Playground's arithmetic."""
        return self.effective_loss == "squared" and self.optimizer == "sgd" and not self.shuffle \
            and self.kind != "multiclass" and not self.dropout

    # ---- the URL -------------------------------------------------------------------------

    def set_text(self, name: str, raw: str) -> None:
        """Set setting `name` from its text (URL, CLI); ValueError with a readable reason if it is bad.

        Set `wide_layers` before `hidden`: the layers' limit depends on it.
        """
        value = parse_value(self.param[name], raw)
        if name == "hidden":
            check_hidden(value, self.max_neurons)
        setattr(self, name, value)

    def to_query(self) -> dict[str, str]:
        """Every setting as query-string values (defaults included, so links survive new defaults)."""
        return {name: format_value(getattr(self, name)) for name in query_names()}

    @classmethod
    def from_query(cls, query: dict[str, str]) -> tuple["DenseSettings", list[str]]:
        """Settings from a query string. Unknown or invalid entries are skipped, each with a notice."""
        settings, notices = cls(), []
        known = set(query_names())
        # Problem before dataset so the pair is checked in a sensible order, and the layers'
        # limit before the layers.
        for name in sorted(query, key=lambda n: (n != "problem", n != "dataset", n != "wide_layers")):
            raw = query[name]
            if name not in known:
                if name not in IGNORED_QUERY and not name.startswith("cnn_"):   # the CNN page's
                    notices.append(_("Unknown setting {name} ignored.").format(name=repr(name)))
                continue
            try:
                settings.set_text(name, raw)
            except (ValueError, TypeError) as exc:
                notices.append(_("Ignored {name}={value}: {reason}").format(name=name, value=repr(raw),
                                                                            reason=_short(exc)))
        if query.get("problem") in PROBLEMS and query["problem"] != settings.problem:
            notices.append(_("problem={problem} does not fit dataset={dataset}; using {using}.").format(
                problem=repr(query["problem"]), dataset=repr(settings.dataset), using=settings.problem))
        return settings, notices


IGNORED_QUERY = frozenset({"page", "theme", "lang", "hide", "lock"})   # the page shell; teacher links (share.py)


def query_names() -> list[str]:
    return [n for n in DenseSettings.param if n != "name"]


def format_value(value) -> str:
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, (list, tuple)):
        return ",".join(str(v) for v in value)
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def parse_value(p: param.Parameter, raw: str):
    """Parse one query value for parameter `p`; raise ValueError with a readable reason."""
    raw = raw.strip()
    if isinstance(p, param.Boolean):
        if raw.lower() in ("1", "true", "yes", "on"):
            return True
        if raw.lower() in ("0", "false", "no", "off"):
            return False
        raise ValueError(_("expected 1 or 0"))
    if isinstance(p, param.Integer):
        return _whole_number(raw)
    if isinstance(p, param.Number):
        try:
            value = float(raw)
        except ValueError:
            value = math.nan
        if not math.isfinite(value):
            raise ValueError(_("expected a number"))
        return value
    if isinstance(p, param.ListSelector):
        items = [s.strip() for s in raw.split(",") if s.strip()]
        bad = [s for s in items if s not in p.objects]
        if bad:
            raise ValueError(_("unknown {names} (choose from {choices})").format(names=", ".join(bad),
                                                                                  choices=", ".join(p.objects)))
        if not items:
            # A network with no inputs has nothing to learn from.
            raise ValueError(_("choose at least one of {choices}").format(choices=", ".join(p.objects)))
        twice = sorted({s for s in items if items.count(s) > 1})
        if twice:
            raise ValueError(_("{names} listed more than once").format(names=", ".join(twice)))
        return items
    if isinstance(p, param.String):    # the only text setting: drawn points, checked by unpacking them
        from playground.dense.data_source import decode_points

        if raw:
            decode_points(raw)
        return raw
    if isinstance(p, param.List):
        return [_whole_number(s) for s in raw.split(",") if s]
    if isinstance(p, param.Selector):
        for obj in p.objects:
            if isinstance(obj, float):
                try:
                    if float(raw) == obj:
                        return obj
                except ValueError:
                    break
            elif raw == str(obj):
                return obj
        raise ValueError(_("choose from {choices}").format(choices=", ".join(format_value(o) for o in p.objects)))
    raise TypeError(f"cannot parse {p.name}")


def _whole_number(raw: str) -> int:
    """`raw` as an int, or a ValueError that says so in the page's language (not Python's words)."""
    try:
        return int(raw)
    except ValueError:
        raise ValueError(_("expected a whole number")) from None


def _short(exc: Exception) -> str:
    text = str(exc).strip().splitlines()[0]
    return text if len(text) < 160 else text[:157] + "…"
