"""Curvature: the sharpness along training against 2 / step size, the eigenvalue density, curvature over a plane."""

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.ticker import FormatStrFormatter, LogLocator, NullFormatter

from scratchnet.plot.notebook import builder
from scratchnet.plot.style import FALLBACK_COLORS


@builder
def plot_sharpness(runs, title=None):
    r"""The loss (top, log scale) and the sharpness (bottom) against the iteration, one colour per run.

    ``runs`` maps a label to ``{"lr": step size, "iterations": (n,), "loss": (n,),
    "sharpness_iterations": (m,), "sharpness": (m,)}``. Each run's :math:`2/\eta` is drawn
    dashed in its colour: gradient descent on a quadratic diverges along any direction
    whose curvature exceeds it, so the sharpness meeting that line is the edge of stability.
    """
    if not runs:
        raise ValueError("runs: expected at least one run, got none")
    fig, (ax_loss, ax_sharp) = plt.subplots(2, 1, figsize=(10, 7.5), layout="constrained", sharex=True,
                                            gridspec_kw={"height_ratios": [1, 1.4]})
    for index, (label, run) in enumerate(runs.items()):
        color = FALLBACK_COLORS[index % len(FALLBACK_COLORS)]
        ax_loss.plot(run["iterations"], run["loss"], color=color, lw=1.5, label=label)
        ax_sharp.plot(run["sharpness_iterations"], run["sharpness"], "-o", color=color, lw=1.8, ms=3, label=label)
        limit = 2 / run["lr"]
        ax_sharp.axhline(limit, color=color, linestyle="--", lw=1.2, label=f"2/η = {limit:g}")
    ax_loss.set_yscale("log")
    ax_loss.yaxis.set_major_locator(LogLocator(subs=(1.0, 2.0, 5.0)))  # 0.05, 0.1, 0.2, 0.5: labelled, apart
    ax_loss.yaxis.set_major_formatter(FormatStrFormatter("%.2g"))  # not 2 x 10^-1
    ax_loss.yaxis.set_minor_formatter(NullFormatter())
    ax_loss.set_ylabel("training loss (log scale)")
    ax_loss.legend(fontsize=9)
    ax_loss.grid(alpha=0.3, which="both")
    top = max(max(2 / run["lr"] for run in runs.values()), max(np.max(run["sharpness"]) for run in runs.values()))
    ax_sharp.set_ylim(0, 1.12 * top)
    ax_sharp.set_xlabel("iteration (full-batch gradient descent)")
    ax_sharp.set_ylabel("sharpness: the Hessian's largest eigenvalue")
    ax_sharp.legend(ncols=2, fontsize=9, loc="upper left")  # each run beside its own 2/η
    ax_sharp.grid(alpha=0.3)
    if title:
        fig.suptitle(title)
    return fig


@builder
def plot_eigenvalue_density(densities, title=None, points=2000, width=None):
    """The Hessian's eigenvalue density (log y), one curve per entry of ``densities``: label -> ``(nodes, weights)``.

    ``nodes`` and ``weights`` come from :func:`~scratchnet.curvature.eigenvalue_density`; each
    node is smoothed into a Gaussian of ``width`` (default: 1% of all the nodes' span).
    """
    from scratchnet.curvature import density_on

    if not densities:
        raise ValueError("densities: expected at least one (nodes, weights) pair, got none")
    every = np.concatenate([np.ravel(nodes) for nodes, _ in densities.values()])
    span = max(float(np.ptp(every)), 1e-12)
    grid = np.linspace(every.min() - 0.05 * span, every.max() + 0.05 * span, points)
    width = width or 0.01 * span
    fig, ax = plt.subplots(figsize=(9, 4.8), layout="constrained")
    for index, (label, (nodes, weights)) in enumerate(densities.items()):
        curve = density_on(grid, nodes, weights, width)
        ax.semilogy(grid, np.maximum(curve, 1e-12), color=FALLBACK_COLORS[index % len(FALLBACK_COLORS)], lw=1.8,
                    label=f"{label}: largest {np.max(nodes):.3g}")
    ax.set_ylim(1e-7, None)
    ax.set_xlabel("eigenvalue of the Hessian")
    ax.set_ylabel("density (log scale)")
    ax.grid(alpha=0.3, which="major")
    ax.legend(fontsize=9)
    if title:
        ax.set_title(title)
    return fig


@builder
def plot_curvature_map(alphas, betas, largest, smallest, title=None, xlabel="alpha", ylabel="beta"):
    r"""Two maps of a plane: :math:`|\lambda_{min} / \lambda_{max}|` (Li et al. 2018, fig. 8), :math:`\lambda_{max}`.

    Where the ratio is near 0 the surface curves up in every direction (convex); where it
    nears 1, some direction curves down as strongly as the steepest curves up. A cross
    marks the plane's centre, the point the directions start from (not a star: the gold
    star means a lowest point in every figure).
    """
    largest, smallest = np.asarray(largest, dtype=float), np.asarray(smallest, dtype=float)
    if largest.shape != (len(betas), len(alphas)) or smallest.shape != largest.shape:
        raise ValueError(f"largest, smallest: expected grids (len(betas), len(alphas)) = ({len(betas)}, "
                         f"{len(alphas)}), got {largest.shape} and {smallest.shape}")
    ratio = np.abs(smallest / np.where(largest == 0, np.nan, largest))
    A, B = np.meshgrid(alphas, betas)
    fig, (ax_ratio, ax_top) = plt.subplots(1, 2, figsize=(13, 5.2), layout="constrained")
    fill = ax_ratio.contourf(A, B, ratio, levels=np.linspace(0, max(1.0, float(np.nanmax(ratio))), 21),
                             cmap="viridis")
    fig.colorbar(fill, ax=ax_ratio, label=r"$|\lambda_{min} / \lambda_{max}|$")
    ax_ratio.set_title(r"$|\lambda_{min} / \lambda_{max}|$: 0 where convex", fontsize=10)
    top = ax_top.contourf(A, B, largest, levels=20, cmap="viridis")
    fig.colorbar(top, ax=ax_top, label=r"$\lambda_{max}$ (sharpness)")
    ax_top.set_title(r"$\lambda_{max}$: the sharpness", fontsize=10)
    for ax in (ax_ratio, ax_top):
        ax.plot(0, 0, "X", ms=12, color="white", mec="black", mew=1.2, label="the centre", linestyle="none")
        ax.set_xlabel(xlabel)
        ax.set_ylabel(ylabel)
        ax.set_aspect("equal")
    ax_ratio.legend(loc="upper right", fontsize=8)
    if title:
        fig.suptitle(title)
    return fig
