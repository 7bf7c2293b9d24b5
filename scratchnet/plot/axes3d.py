"""3D axes that read well: few round ticks, none printed over another, and planes drawn to scale."""

import itertools

from matplotlib.ticker import FixedLocator, MaxNLocator


def _short_label(label):
    """``"PC2 (2.1% of the variance)"`` -> ``"PC2"``: a 3D axis's short side has no room for the rest."""
    return label.split(" (")[0]


def to_scale(ax_contour, ax_surface, alphas, betas):
    """Equal units on both plane axes: the map at equal aspect, the surface's box in the plane's proportions."""
    ax_contour.set_aspect("equal")
    width, depth = abs(alphas[-1] - alphas[0]), abs(betas[-1] - betas[0])
    longer = max(width, depth)
    ax_surface.set_box_aspect((width / longer, depth / longer, 0.6), zoom=1.05)
    for axis, side in ((ax_surface.xaxis, width), (ax_surface.yaxis, depth)):
        axis.set_label_text(_short_label(axis.get_label_text()))  # the map beside it carries the long labels
        axis.labelpad = 10
        if side < 0.6 * longer:  # a short side: fewer ticks, its label clear of them
            low, high = sorted(axis.get_view_interval())
            axis.set_major_locator(FixedLocator([tick for tick in MaxNLocator(nbins=3).tick_values(low, high)
                                                 if low <= tick <= high]))


def tidy_3d_ticks(ax, bins=5):
    """At most ``bins`` ticks an axis, and no two labels at the corner where the axes' lower ends meet.

    A 3D axes prints the x and y labels of their lower ends at one corner, and the lowest
    z label next to them; there they would print over each other. So the x and z axes
    leave out a tick within a tenth of their range from the lower end. Call it once the
    limits are set.
    """
    for axis, limits, keep_corner in ((ax.xaxis, ax.get_xlim(), False), (ax.yaxis, ax.get_ylim(), True),
                                      (ax.zaxis, ax.get_zlim(), False)):
        low, high = sorted(limits)
        ticks = [t for t in MaxNLocator(nbins=bins).tick_values(low, high) if low - 1e-12 <= t <= high + 1e-12]
        if not keep_corner:
            ticks = [t for t in ticks if t - low >= 0.1 * (high - low)]
        axis.set_major_locator(FixedLocator(ticks))


def declutter_3d_ticks(fig, passes=3):
    """Drop each 3D tick label that the drawn figure prints over another label of its axes.

    Where a 3D axes' ends meet depends on the view, so collisions are found on the
    drawn figure (the labels' extents), not predicted: the tick of the axis with more
    ticks goes, and the figure is drawn again, up to ``passes`` times. Returns ``fig``.
    """
    for _ in range(passes):
        fig.canvas.draw()
        renderer, inside, changed = fig.canvas.get_renderer(), fig.bbox, False
        for ax in [ax for ax in fig.axes if ax.name == "3d"]:
            shown = []  # (axis, tick value, extent) of every label drawn inside the figure
            for axis in (ax.xaxis, ax.yaxis, ax.zaxis):
                for value, label in zip(axis.get_majorticklocs(), axis.get_ticklabels(), strict=False):
                    extent = label.get_window_extent(renderer)
                    if label.get_text() and label.get_visible() and inside.contains(*extent.p0):
                        shown.append((axis, value, extent))
            for (axis_a, value_a, a), (axis_b, value_b, b) in itertools.combinations(shown, 2):
                if a.overlaps(b):
                    axis, value = (axis_a, value_a) if len(axis_a.get_majorticklocs()) >= \
                        len(axis_b.get_majorticklocs()) else (axis_b, value_b)
                    axis.set_major_locator(FixedLocator([tick for tick in axis.get_majorticklocs() if tick != value]))
                    changed = True
                    break
            labels = [axis.label.get_window_extent(renderer) for axis in (ax.xaxis, ax.yaxis, ax.zaxis)]
            for axis, value, extent in shown:
                if not changed and any(extent.overlaps(label) for label in labels):
                    axis.set_major_locator(FixedLocator([tick for tick in axis.get_majorticklocs() if tick != value]))
                    changed = True
        if not changed:
            break
    return fig
