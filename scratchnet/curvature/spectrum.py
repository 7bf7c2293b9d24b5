r"""The Hessian's spectrum from products alone: its largest eigenvalues, its trace.

Each function takes ``matvec``, any symmetric linear map ``v -> H v`` on vectors of
length ``dim`` (a network's :func:`~scratchnet.curvature.hessian_vector_product`, or a
matrix's ``@``), so each can be tested on matrices whose spectrum is known.

- :func:`power_iteration`: the readable reference: multiply, normalize, repeat; it finds
  the eigenvalue of largest magnitude, slowly when the next one is close.
- :func:`lanczos`: builds an orthonormal basis of the Krylov space
  :math:`\{v, Hv, H^2v, \ldots\}` (fully reorthogonalized, so rounding cannot bring back
  directions already found), in which :math:`H` is a small tridiagonal matrix :math:`T`;
  :math:`T`'s eigenvalues (Ritz values) converge to :math:`H`'s extreme ones in far fewer
  products than power iteration needs.
- :func:`spectral_density`: stochastic Lanczos quadrature (as PyHessian): a few Lanczos runs
  from random starts give nodes (Ritz values) and weights whose smoothed sum is the
  density of the eigenvalues.
- :func:`hutchinson_trace`: :math:`\mathrm{tr}\,H = \mathbb{E}[z^\top H z]` for random signs
  :math:`z`, with its standard error.
"""

import numpy as np


def _generator(rng):
    return rng if isinstance(rng, np.random.Generator) else np.random.default_rng(rng)


def power_iteration(matvec, dim, iterations=200, tol=1e-8, rng=0):
    """``(eigenvalue, vector, products)``: the eigenvalue of largest magnitude, by repeated products.

    Stops when the Rayleigh quotient changes by less than ``tol`` (relative), or after
    ``iterations`` products. Where two eigenvalues have about the same size and opposite
    signs it cannot settle: the iterate swings between their directions. Lanczos has no
    such trouble.
    """
    vector = _generator(rng).standard_normal(dim)
    vector /= np.linalg.norm(vector)
    value = 0.0
    for products in range(1, iterations + 1):
        image = matvec(vector)
        new_value = float(vector @ image)
        norm = np.linalg.norm(image)
        if norm == 0:
            return 0.0, vector, products
        vector = image / norm
        if abs(new_value - value) <= tol * max(abs(new_value), 1e-30):
            return new_value, vector, products
        value = new_value
    return value, vector, iterations


def lanczos(matvec, dim, steps, rng=0, stop=None):
    r"""``(alpha, beta, basis)``: up to ``steps`` Lanczos steps with full reorthogonalization.

    ``alpha`` (the diagonal, ``(m,)``) and ``beta`` (the off-diagonal, ``(m - 1,)``) make
    the tridiagonal :math:`T = Q^\top H Q`; ``basis`` is :math:`Q`, ``(dim, m)``. ``m`` is
    ``steps``, or fewer when the Krylov space is exhausted (an invariant subspace found: then
    :math:`T`'s eigenvalues are exact) or when ``stop(alpha, beta)``, asked after each step,
    says so. One product per step.
    """
    steps = int(min(steps, dim))
    # The basis vectors are rows of a buffer that doubles as it fills: a P x P array up front would be
    # gigabytes for a network, and most runs stop after a few dozen steps.
    rows = np.empty((min(steps, 16), dim))
    alpha, beta = [], []
    vector = _generator(rng).standard_normal(dim)
    rows[0] = vector / np.linalg.norm(vector)
    for j in range(steps):
        image = matvec(rows[j])
        alpha.append(float(rows[j] @ image))
        # Against every earlier direction, twice ("twice is enough"): rounding cannot bring them back.
        for _ in range(2):
            image -= rows[:j + 1].T @ (rows[:j + 1] @ image)
        norm = float(np.linalg.norm(image))
        exhausted = norm <= 1e-10 * max(1.0, abs(alpha[-1]))
        if j + 1 == steps or exhausted or (stop is not None and stop(np.array(alpha), np.array(beta))):
            break
        beta.append(norm)
        if j + 1 == len(rows):
            rows = np.concatenate([rows, np.empty((min(len(rows), steps - len(rows)), dim))])
        rows[j + 1] = image / norm
    return np.array(alpha), np.array(beta), rows[:len(alpha)].T


def tridiagonal_eigenvalues(alpha, beta):
    """The eigenvalues (ascending) of the symmetric tridiagonal matrix: diagonal ``alpha``, off-diagonal ``beta``."""
    return np.linalg.eigvalsh(np.diag(alpha) + np.diag(beta, 1) + np.diag(beta, -1))


def lanczos_top(matvec, dim, k=1, steps=None, tol=1e-8, rng=0):
    """``(eigenvalues, products)``: the ``k`` largest eigenvalues (descending), by Lanczos.

    The basis grows one product at a time until the top ``k`` Ritz values move by less
    than ``tol / 10`` (relative) over a step, or ``steps`` (default ``dim``) is reached:
    Ritz values approach their eigenvalues from below, a little more slowly than a step
    shows, so a tenth of ``tol`` per step leaves them within about ``tol``.
    """
    if not 1 <= k <= dim:
        raise ValueError(f"k: expected 1 to {dim} eigenvalues, got {k}")
    found = {}

    def converged(alpha, beta):
        if len(alpha) < k:
            return False
        values = tridiagonal_eigenvalues(alpha, beta)[::-1][:k]
        previous, found["values"] = found.get("values"), values
        return previous is not None and bool(np.all(np.abs(values - previous) <= 0.1 * tol * np.maximum(
            np.abs(values), 1e-30)))

    alpha, beta, _ = lanczos(matvec, dim, dim if steps is None else steps, rng, stop=converged)
    return tridiagonal_eigenvalues(alpha, beta)[::-1][:k], len(alpha)


def lanczos_extremes(matvec, dim, steps=None, tol=1e-6, rng=0):
    """``(largest, smallest, products)``: both ends of the spectrum from one Lanczos run.

    Lanczos finds the two ends together; the basis grows until both Ritz values move by less
    than ``tol`` relative to the larger of the two in size (a smallest eigenvalue near 0 is
    then known to that absolute precision), or ``steps`` (default ``dim``) is reached.
    """
    found = {}

    def converged(alpha, beta):
        values = tridiagonal_eigenvalues(alpha, beta)
        ends, previous = np.array([values[-1], values[0]]), found.get("ends")
        found["ends"] = ends
        scale = max(float(np.max(np.abs(ends))), 1e-30)
        return previous is not None and bool(np.all(np.abs(ends - previous) <= tol * scale))

    alpha, beta, _ = lanczos(matvec, dim, dim if steps is None else steps, rng, stop=converged)
    values = tridiagonal_eigenvalues(alpha, beta)
    return float(values[-1]), float(values[0]), len(alpha)


def hutchinson_trace(matvec, dim, probes=100, rng=0):
    r"""``(estimate, standard_error)`` of :math:`\mathrm{tr}\,H`: the mean of :math:`z^\top H z`, ``z`` random signs."""
    generator = _generator(rng)
    samples = np.array([z @ matvec(z) for z in (generator.choice([-1.0, 1.0], size=dim) for _ in range(probes))])
    error = samples.std(ddof=1) / np.sqrt(probes) if probes > 1 else float("inf")
    return float(samples.mean()), float(error)


def spectral_density(matvec, dim, steps=60, probes=4, rng=0):
    r"""``(nodes, weights)``, each ``(probes, m)``: stochastic Lanczos quadrature of the eigenvalue density.

    For each probe, ``steps`` Lanczos steps from a random unit vector :math:`v`; the
    eigenvalues :math:`\theta_i` of :math:`T` are the nodes, the squared first components
    of its eigenvectors :math:`\tau_i` the weights (they sum to 1). For that :math:`v`,
    :math:`\sum_i \tau_i \theta_i^k = v^\top H^k v` exactly for :math:`k < 2m`, and the
    average over random :math:`v` is :math:`\mathrm{tr}(H^k) / P`: the weights are the
    spectrum's mass near each node. :func:`density_on` smooths them into a curve. A probe
    whose Krylov space is exhausted early has fewer nodes: its row is padded with weight 0.
    """
    generator = _generator(rng)
    nodes, weights = np.zeros((probes, steps)), np.zeros((probes, steps))
    for probe in range(probes):
        alpha, beta, _ = lanczos(matvec, dim, steps, rng=generator)
        values, vectors = np.linalg.eigh(np.diag(alpha) + np.diag(beta, 1) + np.diag(beta, -1))
        nodes[probe, :len(values)], weights[probe, :len(values)] = values, vectors[0] ** 2
        nodes[probe, len(values):] = values[-1]
    return nodes, weights


def density_on(grid, nodes, weights, width=None):
    """The eigenvalue density at ``grid``: each node a Gaussian of ``width``, weighted, averaged over probes.

    ``width`` defaults to 1% of the nodes' span. The result integrates to 1 over a grid
    that covers the nodes.
    """
    grid, nodes, weights = (np.asarray(values, dtype=float) for values in (grid, nodes, weights))
    width = width or 0.01 * max(float(np.ptp(nodes)), 1e-12)
    kernels = np.exp(-0.5 * ((grid[:, None] - nodes.ravel()[None, :]) / width) ** 2) / (width * np.sqrt(2 * np.pi))
    return kernels @ weights.ravel() / len(nodes)
