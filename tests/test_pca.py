"""The plane of a training path: PCA of trajectories that are not planar, and projection onto it."""

import numpy as np
import pytest

from scratchnet.landscape import pca_directions, project


def curved_trajectory(seed=0, points=40, size=30):
    """A path that bends through three dimensions (plus noise), far from the origin, not centered at its end."""
    rng = np.random.default_rng(seed)
    basis, _ = np.linalg.qr(rng.standard_normal((size, 3)))
    s = np.linspace(0, 1, points)
    coordinates = np.stack([6 * s, 2 * np.sin(3 * s), 0.7 * s**2 - 0.3], axis=1)
    return 50 + coordinates @ basis.T + 1e-3 * rng.standard_normal((points, size))


def reference_pca(trajectory):
    """Eigenvectors of the covariance matrix: the textbook definition, independent of the SVD route."""
    centered = trajectory - trajectory.mean(axis=0)
    values, vectors = np.linalg.eigh(centered.T @ centered)
    order = np.argsort(values)[::-1]
    return vectors[:, order], values[order] / values.sum()


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_directions_and_explained_variance_match_the_covariance_eigenvectors(seed):
    trajectory = curved_trajectory(seed)
    d1, d2, explained = pca_directions(trajectory)
    vectors, shares = reference_pca(trajectory)
    np.testing.assert_allclose(explained, shares[:2], rtol=1e-9)  # squared singular values, normalized
    assert 0.9 < explained[0] < 1 and explained[1] > 0.02 and explained.sum() < 1  # a third direction remains
    for direction, vector in ((d1, vectors[:, 0]), (d2, vectors[:, 1])):
        np.testing.assert_allclose(abs(direction @ vector), 1, atol=1e-9)
        assert np.linalg.norm(direction) == pytest.approx(1)
    assert abs(d1 @ d2) < 1e-12


def test_each_direction_has_its_largest_entry_positive():
    trajectory = curved_trajectory(3)
    for direction in pca_directions(trajectory)[:2]:
        assert direction[np.argmax(np.abs(direction))] > 0
    flipped = pca_directions(-trajectory)  # a mirrored path gives the same (sign-fixed) directions
    for a, b in zip(pca_directions(trajectory)[:2], flipped[:2], strict=True):
        np.testing.assert_allclose(a, b, atol=1e-9)


def test_centering_ignores_where_the_path_lies():
    trajectory = curved_trajectory(4)
    shifted = trajectory + 1e3 * np.arange(trajectory.shape[1])  # a far offset: without centering, d1 points at it
    for a, b in zip(pca_directions(trajectory), pca_directions(shifted), strict=True):
        np.testing.assert_allclose(a, b, atol=1e-6)


def test_projection_coordinates_of_every_point():
    trajectory = curved_trajectory(5)
    d1, d2, _ = pca_directions(trajectory)
    center = trajectory[-1]
    coordinates = project(trajectory, center, d1, d2)
    np.testing.assert_allclose(coordinates[:, 0], (trajectory - center) @ d1, atol=1e-9)
    np.testing.assert_allclose(coordinates[:, 1], (trajectory - center) @ d2, atol=1e-9)
    np.testing.assert_allclose(coordinates[-1], 0, atol=1e-12)
    # Non-orthogonal directions: least squares, the point of the plane nearest each point.
    skew = d1 + 0.5 * d2
    both = project(trajectory, center, d1, skew)
    rebuilt = center + both[:, :1] * d1 + both[:, 1:] * skew
    in_plane = center + coordinates @ np.stack([d1, d2])
    np.testing.assert_allclose(rebuilt, in_plane, atol=1e-8)


def _svd_reference(trajectory):
    """The textbook PCA: the SVD of the centered points (copies the trajectory; fine for a test)."""
    centered = trajectory - trajectory.mean(axis=0)
    _, singular, rows = np.linalg.svd(centered, full_matrices=False)
    return rows[:2], singular**2 / np.sum(singular**2)


@pytest.mark.parametrize("block_bytes", [None, 200])  # one block, and columns a few at a time
def test_the_gram_pca_equals_the_svd_of_the_centered_points(monkeypatch, block_bytes):
    from scratchnet.landscape import directions

    monkeypatch.setattr(directions, "BLOCK_BYTES", block_bytes or directions.BLOCK_BYTES)
    rng = np.random.default_rng(4)
    steps = np.cumsum(rng.standard_normal((12, 40)) * np.linspace(2, 0.1, 40), axis=0)
    trajectory = 5.0 + steps  # far from the origin: centering must not lose the small moves
    d1, d2, explained = pca_directions(trajectory)
    rows, share = _svd_reference(trajectory)
    for mine, theirs in zip((d1, d2), rows, strict=True):
        np.testing.assert_allclose(mine * np.sign(mine @ theirs), theirs, atol=1e-10)
    np.testing.assert_allclose(explained, share[:2], rtol=1e-10)
    assert abs(d1 @ d2) < 1e-14 and np.linalg.norm(d2) == pytest.approx(1, abs=1e-14)
    center = trajectory[-1]
    coordinates = project(trajectory, center, d1, d2)
    reference, *_ = np.linalg.lstsq(np.stack([d1, d2], axis=1), (trajectory - center).T, rcond=None)
    np.testing.assert_allclose(coordinates, reference.T, atol=1e-12)
    assert np.array_equal(coordinates[-1], [0.0, 0.0])
    off = directions.off_plane_distances(trajectory, center, d1, d2, coordinates)
    np.testing.assert_allclose(off, np.linalg.norm(trajectory - center - coordinates @ np.stack([d1, d2]), axis=1),
                               rtol=1e-9, atol=1e-12)


def test_a_path_on_a_line_gets_a_random_orthogonal_second_direction_and_a_warning():
    line = np.linspace(0, 1, 6)[:, None] * np.array([3.0, -1.0, 2.0, 0.5]) + 1.0
    with pytest.warns(UserWarning, match=r"points lie on a line .* random one orthogonal to PC1 \(seed 0\)"):
        d1, d2, explained = pca_directions(line)
    np.testing.assert_allclose(np.abs(d1), np.abs([3.0, -1.0, 2.0, 0.5]) / np.sqrt(14.25), rtol=1e-12)
    assert abs(d1 @ d2) < 1e-14 and explained[1] == 0.0
    with pytest.warns(UserWarning):
        again = pca_directions(line)[1]
    np.testing.assert_array_equal(d2, again)  # seeded: the same plane every time


def test_the_plane_of_a_long_trajectory_is_found_without_copying_it():
    import tracemalloc

    from scratchnet.landscape.directions import off_plane_distances

    rng = np.random.default_rng(0)
    trajectory = np.cumsum(rng.standard_normal((40, 250_000)), axis=0)  # 80 MB
    tracemalloc.start()
    d1, d2, _ = pca_directions(trajectory)
    coordinates = project(trajectory, trajectory[-1], d1, d2)
    off_plane_distances(trajectory, trajectory[-1], d1, d2, coordinates)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert peak < 0.4 * trajectory.nbytes, f"peak {peak / 1e6:.0f} MB for an {trajectory.nbytes / 1e6:.0f} MB path"
