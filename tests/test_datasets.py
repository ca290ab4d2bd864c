"""The 2-D generators obey the TF Playground's formulas."""
import numpy as np
import pytest

from playground.datasets import playground_data as pd
from playground.datasets.features import FEATURES, GRID_SIZE, feature_matrix, grid_axis, grid_points


@pytest.mark.parametrize("name", list(pd.DATASETS))
def test_counts_kinds_and_determinism(name):
    a = pd.generate(name, noise=20, seed=4)
    b = pd.generate(name, noise=20, seed=4)
    c = pd.generate(name, noise=20, seed=5)
    expected = pd.N_REGRESS if pd.DATASETS[name].kind == "regression" else pd.N_CLASSIFY
    assert len(a) == expected and a.points.shape == (expected, 2)
    np.testing.assert_array_equal(a.points, b.points)
    np.testing.assert_array_equal(a.labels, b.labels)
    assert not np.array_equal(a.points, c.points)
    assert a.kind == pd.DATASETS[name].kind


def test_data_is_shuffled():
    # The generators emit class by class; generate() must interleave them before splitting.
    d = pd.generate("circle", seed=0)
    first_half = d.labels[:250]
    assert 80 < (first_half == 1).sum() < 170


def test_circle_radii_and_clean_labels():
    d = pd.generate("circle", noise=0, seed=1)
    r = np.hypot(*d.points.T)
    inside = d.labels == 1
    assert inside.sum() == 250
    assert r[inside].max() < 2.5 and r[~inside].min() >= 3.5 and r[~inside].max() <= 5


def test_circle_noise_flips_labels_but_not_positions():
    rng_points = pd.generate("circle", noise=0, seed=2).points
    noisy = pd.generate("circle", noise=50, seed=2)
    r = np.hypot(*noisy.points.T)
    # Positions keep the clean radii (only labels get the jitter) ...
    assert ((r < 2.5) | ((r >= 3.5) & (r <= 5))).all()
    # ... so some points in the outer ring are labelled inside, and vice versa.
    assert ((r >= 3.5) & (noisy.labels == 1)).any() and ((r < 2.5) & (noisy.labels == -1)).any()
    assert rng_points.shape == noisy.points.shape


def test_xor_padding_and_labels():
    d = pd.generate("xor", noise=0, seed=3)
    x, y = d.points.T
    assert (np.abs(x) >= 0.3).all() and (np.abs(y) >= 0.3).all()
    assert np.abs(d.points).max() <= 5.3
    np.testing.assert_array_equal(d.labels, np.where(x * y >= 0, 1, -1))


def test_gauss_centres_and_variance():
    d = pd.generate("gauss", noise=0, seed=0)
    pos, neg = d.points[d.labels == 1], d.points[d.labels == -1]
    assert len(pos) == len(neg) == 250
    np.testing.assert_allclose(pos.mean(axis=0), [2, 2], atol=0.15)
    np.testing.assert_allclose(neg.mean(axis=0), [-2, -2], atol=0.15)
    np.testing.assert_allclose(pos.var(axis=0), [0.5, 0.5], rtol=0.2)
    wide = pd.generate("gauss", noise=50, seed=0)
    np.testing.assert_allclose(wide.points[wide.labels == 1].var(axis=0), [4.0, 4.0], rtol=0.2)   # 0.5 + 7·0.5


def test_spiral_formula_without_noise():
    rng = np.random.default_rng(0)
    points, labels = pd.spiral(rng, 0.0)
    i = np.arange(250)
    r = 5 * i / 250
    t = 1.75 * i / 250 * 2 * np.pi
    np.testing.assert_allclose(points[:250], np.column_stack([r * np.sin(t), r * np.cos(t)]))
    np.testing.assert_allclose(points[250:], np.column_stack([r * np.sin(t + np.pi), r * np.cos(t + np.pi)]))
    assert (labels[:250] == 1).all() and (labels[250:] == -1).all()


def test_spiral_noise_moves_positions_within_bounds():
    rng = np.random.default_rng(0)
    clean, _ = pd.spiral(np.random.default_rng(0), 0.0)
    noisy, _ = pd.spiral(rng, 0.5)
    shift = np.abs(noisy - clean)
    assert shift.max() <= 0.5 and shift.mean() > 0.1


def test_regression_plane_label():
    d = pd.generate("reg-plane", noise=0, seed=0)
    np.testing.assert_allclose(d.labels, d.points.sum(axis=1) / 10)
    assert np.abs(d.points).max() <= 6


def test_regression_gauss_label_at_the_centres():
    centres = pd.REG_GAUSS_CENTRES
    labels = pd.reg_gauss_label(centres[:, 0], centres[:, 1])
    np.testing.assert_allclose(labels, centres[:, 2])   # a centre gets its own sign, magnitude 1
    far = pd.reg_gauss_label(np.array([6.0]), np.array([6.0]))
    assert far[0] == 0
    halfway = pd.reg_gauss_label(np.array([-4.0]), np.array([1.5]))   # distance 1 from (-4, 2.5)
    np.testing.assert_allclose(halfway, [0.5])


@pytest.mark.parametrize("k", [3, 4, 5])
def test_multiclass_sets(k):
    for name in ("spiral-multi", "blobs"):
        d = pd.generate(name, seed=0, n_classes=k)
        assert d.n_classes == k and set(np.unique(d.labels)) == set(range(k))
        counts = np.bincount(d.labels.astype(int))
        assert counts.max() - counts.min() <= 2


@pytest.mark.parametrize("ratio", [10, 33, 50, 90])
def test_split_sizes(ratio):
    d = pd.generate("xor", seed=0)
    train, test = pd.split(d, ratio)
    assert len(train) == int(np.floor(500 * ratio / 100)) and len(train) + len(test) == 500
    np.testing.assert_array_equal(np.vstack([train.points, test.points]), d.points)


def test_features():
    pts = np.array([[1.0, 2.0], [-3.0, 0.5]])
    m = feature_matrix(pts, list(FEATURES))
    np.testing.assert_allclose(m[1], [-3, 0.5, 9, 0.25, -1.5, np.sin(-3), np.sin(0.5)])
    assert feature_matrix(pts, []).shape == (2, 0)


def test_grid_is_in_image_order():
    g = grid_points()
    axis = grid_axis()
    assert g.shape == (GRID_SIZE * GRID_SIZE, 2) and axis[0] > -6 and axis[-1] < 6
    # Row i (y from the bottom), column j (x from the left).
    assert tuple(g[0]) == (axis[0], axis[0]) and tuple(g[1]) == (axis[1], axis[0])
    assert tuple(g[GRID_SIZE]) == (axis[0], axis[1])
