"""The pure frame builder: its arrays are the network's true outputs, its texts say what is shown.

The reference is a plain forward pass written here from the weights, evaluated at
grid cells' own coordinates, so a wrong grid orientation or a wrong layer shows up.
"""
import numpy as np
import pytest

from playground.datasets.features import GRID_SIZE, grid_points
from playground.dense.frame import build_frame
from playground.dense.settings import DenseSettings
from playground.dense.trainer import Trainer

CELLS = [(0, 0), (7, 93), (50, 21), (99, 99), (64, 3)]     # (row, column) of the grid


def reference_layers(trainer: Trainer, x: float, y: float) -> list[np.ndarray]:
    """Every layer's output at the point (x, y): features x1, x2, x1², then plain loops."""
    net = trainer.network
    act = {"tanh": np.tanh, "relu": lambda z: np.maximum(z, 0.0)}[net.activation]
    features = {"x1": x, "x2": y, "x1sq": x * x, "x2sq": y * y, "x1x2": x * y}
    a = np.array([features[k] for k in trainer.settings.features])
    layers = []
    for l, (w, b) in enumerate(zip(net.weights, net.biases)):
        z = np.array([sum(a[i] * w[i, j] for i in range(len(a))) + b[j] for j in range(w.shape[1])])
        last = l == len(net.weights) - 1
        if not last:
            a = act(z)
        elif net.output == "tanh":
            a = np.tanh(z)
        elif net.output == "linear":
            a = z
        elif net.output == "sigmoid":
            a = 1 / (1 + np.exp(-z))
        else:                                   # softmax
            e = np.exp(z - z.max())
            a = e / e.sum()
        layers.append(a)
    return layers


def trained(**settings) -> Trainer:
    t = Trainer(DenseSettings(**settings))
    t.step(25)
    return t


def coordinates(row: int, col: int) -> tuple[float, float]:
    x, y = grid_points()[row * GRID_SIZE + col]
    return float(x), float(y)


@pytest.mark.parametrize("settings", [
    dict(),                                                                  # tanh, binary, 4-2
    dict(dataset="xor", activation="relu", hidden=[6, 3], features=["x1", "x2", "x1x2"]),
    dict(dataset="reg-plane", hidden=[5]),                                   # linear output
    dict(dataset="circle", loss="cross_entropy", hidden=[3]),                # sigmoid output, shown 2p − 1
])
def test_neuron_grids_and_output_are_the_networks_forward_pass(settings):
    t = trained(**settings)
    frame = build_frame(t)
    assert len(frame.node_grids) == len(t.network.weights)
    sigmoid = t.network.output == "sigmoid"
    for row, col in CELLS:
        ref = reference_layers(t, *coordinates(row, col))
        for layer, (grid, expected) in enumerate(zip(frame.node_grids, ref)):
            if sigmoid and layer == len(ref) - 1:
                expected = 2 * expected - 1
            assert grid.shape == (len(expected), GRID_SIZE, GRID_SIZE)
            assert np.allclose(grid[:, row, col], expected, atol=2e-4)
        # The big map shows the output node.
        out = 2 * ref[-1][0] - 1 if sigmoid else ref[-1][0]
        assert frame.map_classes is None and frame.map_grid[row, col] == pytest.approx(out, abs=2e-4)
    assert frame.weights is t.network.weights and frame.biases is t.network.biases
    assert frame.epoch_texts == ["Epoch", "25"] and frame.alert is None


def test_multiclass_map_holds_each_class_probability():
    t = trained(dataset="blobs", n_classes=3, hidden=[4])
    frame = build_frame(t)
    assert frame.map_classes == 3 and frame.map_grid.shape == (3, GRID_SIZE, GRID_SIZE)
    for row, col in CELLS:
        probs = reference_layers(t, *coordinates(row, col))[-1]
        assert np.allclose(frame.map_grid[:, row, col], probs, atol=2e-4)
    assert "likeliest class" in frame.caption


def test_discretized_output_is_the_sign_of_the_output():
    t = trained(discretize=True)
    frame = build_frame(t)
    for row, col in CELLS:
        out = reference_layers(t, *coordinates(row, col))[-1][0]
        assert frame.map_grid[row, col] == (1.0 if out >= 0 else -1.0)
    assert frame.caption == "Output (discretized)"


def test_a_hovered_node_fills_the_map_and_is_named():
    t = trained(hidden=[4, 2])
    frame = build_frame(t, focus=(1, 2), focus_name="neuron 3 of layer 1")
    for row, col in CELLS:
        assert frame.map_grid[row, col] == pytest.approx(reference_layers(t, *coordinates(row, col))[0][2], abs=2e-4)
    assert frame.caption == "Showing <b>neuron 3 of layer 1</b> (hovered)"
    x, y = coordinates(10, 80)
    assert build_frame(t, focus=(0, 1)).map_grid[10, 80] == pytest.approx(y)       # input feature X₂
    assert build_frame(t, focus=(2, 9)).caption == "Output"                          # no such node: the output


def test_a_diverged_run_says_so():
    t = Trainer(DenseSettings(dataset="reg-plane", activation="relu", learning_rate=10.0, hidden=[8, 8, 8]))
    for _ in range(50):
        t.step(1)
        if t.diverged:
            break
    assert t.diverged and "diverged" in build_frame(t).alert
