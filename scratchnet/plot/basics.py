"""Figures of the book's first chapters: curves of functions, digits, perceptrons' decision lines."""

import matplotlib.pyplot as plt
import numpy as np

from scratchnet.plot.notebook import builder
from scratchnet.plot.style import FALLBACK_COLORS


@builder
def plot_lines(x, curves, title=None, xlabel="x", ylabel="y", styles=None, ylim=None):
    """One axes with a line per entry of ``curves`` (label -> values at ``x``), and a legend.

    ``styles`` maps a label to extra ``plot`` keywords (e.g. ``{"linestyle": "--"}``).
    """
    if not curves:
        raise ValueError("curves: expected at least one curve, got none")
    fig, ax = plt.subplots(figsize=(7, 4.5), layout="constrained")
    for (label, values), color in zip(curves.items(), FALLBACK_COLORS * 4, strict=False):
        values = np.asarray(values)
        if values.shape != np.shape(x):
            raise ValueError(f"curves[{label!r}]: expected {np.shape(x)} values to match x, got {values.shape}")
        ax.plot(x, values, label=label, color=color, lw=2, **(styles or {}).get(label, {}))
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if ylim is not None:
        ax.set_ylim(*ylim)
    ax.grid(alpha=0.3)
    ax.legend()
    if title:
        ax.set_title(title)
    return fig


@builder
def plot_digits(images, labels, predicted=None, ncols=10, title=None):
    """A grid of 28 x 28 digits, each titled with its label (and, given ``predicted``, the prediction).

    ``images`` is ``(N, 784)``, ``(N, 28, 28)`` or ``(N, 1, 28, 28)``; a wrong prediction's
    title is red.
    """
    images = np.asarray(images)
    if len(images) == 0:
        raise ValueError(f"labels, predicted: expected one per image (0), and at least one image, got shape "
                         f"{images.shape}")
    if images.ndim < 2 or images[0].size != 784:
        raise ValueError(f"images: expected 28 x 28 digits, (N, 784) or (N, 1, 28, 28), got shape {images.shape}")
    count = len(images)
    if count == 0 or len(labels) != count or (predicted is not None and len(predicted) != count):
        raise ValueError(f"labels, predicted: expected one per image ({count}), got {len(labels)} and "
                         f"{None if predicted is None else len(predicted)}")
    ncols = min(ncols, count)
    nrows = -(-count // ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(1.1 * ncols, 1.3 * nrows + 0.4), squeeze=False,
                             layout="constrained")
    for k, ax in enumerate(axes.flat):
        ax.set_axis_off()
        if k >= count:
            continue
        ax.imshow(images[k].reshape(28, 28), cmap="gray_r", interpolation="nearest")
        if predicted is None:
            ax.set_title(str(labels[k]), fontsize=10)
        else:
            wrong = predicted[k] != labels[k]
            ax.set_title(f"{labels[k]} → {predicted[k]}", fontsize=9, color="#d62728" if wrong else "black")
    if title:
        fig.suptitle(title)
    return fig


@builder
def plot_gates(gates, two_layer=None, n=201, first_layer=None):
    r"""One panel per perceptron gate: its line :math:`w \cdot x + b = 0`, the region it calls 1, the four inputs.

    ``gates`` maps a name to ``(weights, bias)``; ``two_layer`` optionally maps a name to
    a function of ``(x1, x2)`` (like XOR), drawn as its regions with the lines of the
    ``first_layer`` gates (names; default all) over them and a legend naming them: no
    single line separates its outputs. Each gate's line has one colour in every panel.
    """
    panels = list(gates) + list(two_layer or {})
    fig, axes = plt.subplots(1, len(panels), figsize=(3.6 * len(panels), 3.9), layout="constrained", squeeze=False)
    grid = np.linspace(-0.5, 1.5, n)
    X1, X2 = np.meshgrid(grid, grid)
    points = np.array([(0, 0), (1, 0), (0, 1), (1, 1)])
    colors = dict(zip(gates, ["#1f77b4", "#ff7f0e", "#2ca02c", "#9467bd", "#8c564b"], strict=False))
    for ax, name in zip(axes[0], panels, strict=True):
        if name in gates:
            weights, bias = gates[name]
            region = (weights[0] * X1 + weights[1] * X2 + bias > 0).astype(int)
            lines = {name: (weights, bias)}
        else:
            region = np.asarray(two_layer[name](X1, X2)).astype(int)
            lines = {gate: gates[gate] for gate in (first_layer or gates)}
        outputs = region[[np.abs(grid - p).argmin() for p in points[:, 1]],
                         [np.abs(grid - p).argmin() for p in points[:, 0]]]
        ax.contourf(X1, X2, region, levels=[-0.5, 0.5, 1.5], colors=["#f2f2f2", "#cfe3f5"])
        for gate, (weights, bias) in lines.items():
            ax.plot(grid, -(weights[0] * grid + bias) / weights[1], color=colors[gate], lw=2, label=f"{gate} line")
        if name not in gates:
            ax.legend(loc="upper right", fontsize=8, framealpha=0.9)
        ax.scatter(points[:, 0], points[:, 1], c=["white" if y == 0 else "#1f77b4" for y in outputs], s=140,
                   edgecolors="black", zorder=3)
        for (x1, x2), y in zip(points, outputs, strict=True):
            ax.annotate(str(y), (x1, x2), xytext=(9, 7), textcoords="offset points", fontsize=11)
        ax.set_xlim(-0.5, 1.5)
        ax.set_ylim(-0.5, 1.5)
        ax.set_aspect("equal")
        ax.set_xlabel("$x_1$")
        ax.set_ylabel("$x_2$")
        ax.set_title(name if name in gates else f"{name}: two layers", fontsize=11)
    return fig


@builder
def plot_computational_graph(nodes, edges, title=None):
    """A computational graph: node boxes, and on each edge its forward value (black) and gradient (red).

    ``nodes`` maps a name to ``(x, y, label)`` (the label drawn in the node; an empty label
    draws a value's source, no box). ``edges`` are ``(start, end, forward, backward)``. On a
    level edge the forward value is written above the arrow and the gradient below it; on a
    sloping edge both sit side by side on its outer side, away from the edge it meets.
    """
    fig, ax = plt.subplots(figsize=(11, 1.6 + 1.4 * len({y for _, y, _ in nodes.values()})), layout="constrained")
    for name, (x, y, label) in nodes.items():
        if label:
            ax.add_patch(plt.Circle((x, y), 0.28, facecolor="#f2f2f2", edgecolor="black", lw=1.5, zorder=2))
            ax.text(x, y, label, ha="center", va="center", fontsize=13, zorder=3)
        else:
            ax.text(x, y, name, ha="right", va="center", fontsize=10)
    for start, end, forward, backward in edges:
        (x0, y0, label0), (x1, y1, _) = nodes[start], nodes[end]
        x0 += 0.3 if label0 else 0.1
        ax.annotate("", xy=(x1 - 0.3, y1), xytext=(x0, y0), arrowprops={"arrowstyle": "->", "lw": 1.4})
        # Labels a third of the way along. A level edge has its forward value above and its gradient below;
        # a sloping one, which meets another edge at its node, has both on its outer side (above when it comes
        # down, below when it goes up), side by side, so no label sits between two edges.
        mx, my = x0 + 0.35 * (x1 - 0.3 - x0), y0 + 0.35 * (y1 - y0)
        if abs(y1 - y0) < 1e-9:
            ax.text(mx, my + 0.1, f"{forward:g}", ha="center", va="bottom", fontsize=11)
            ax.text(mx, my - 0.1, f"{backward:g}", ha="center", va="top", fontsize=11, color="#d62728")
        else:
            above = y1 < y0
            offset, align = (0.12, "bottom") if above else (-0.12, "top")
            ax.text(mx - 0.05, my + offset, f"{forward:g}", ha="right", va=align, fontsize=11)
            ax.text(mx + 0.05, my + offset, f"{backward:g}", ha="left", va=align, fontsize=11, color="#d62728")
    xs = [x for x, _, _ in nodes.values()]
    ys = [y for _, y, _ in nodes.values()]
    ax.set_xlim(min(xs) - 1.2, max(xs) + 0.6)
    ax.set_ylim(min(ys) - 0.7, max(ys) + 0.7)
    ax.set_aspect("equal")
    ax.axis("off")
    ax.text(0.99, 0.02, "black: the forward value along each arrow; red: the gradient flowing back",
            transform=ax.transAxes, ha="right", fontsize=9, style="italic")
    if title:
        ax.set_title(title)
    return fig
