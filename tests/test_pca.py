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
