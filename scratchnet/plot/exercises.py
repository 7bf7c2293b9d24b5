"""The figure of a wrong gradient: yours, the numerical one, and their difference, side by side."""

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.ticker import MaxNLocator

from scratchnet.plot.notebook import builder


@builder
def plot_gradient_comparison(name, yours, numerical, title=None):
    """Three panels for the parameter ``name``: your gradient, the numerical one, yours minus numerical.

    2-D arrays are drawn as images with one color scale for the first two (a diverging map
    for the difference); 1-D arrays as bars. Returns a Figure.
    """
    yours, numerical = np.atleast_1d(np.asarray(yours, dtype=float)), np.atleast_1d(np.asarray(numerical, float))
    if yours.shape != numerical.shape:
        raise ValueError(f"yours: expected the numerical gradient's shape {numerical.shape}, got {yours.shape}")
    panels = [("yours", yours), ("numerical", numerical), ("yours - numerical", yours - numerical)]
    fig, axes = plt.subplots(1, 3, figsize=(13, 4), layout="constrained")
    limit = max(np.abs(yours).max(), np.abs(numerical).max(), 1e-12)
    for ax, (label, values) in zip(axes, panels, strict=True):
        if values.ndim == 1:
            ax.bar(np.arange(values.size), values, color="#d62728" if "-" in label else "#1f77b4")
            ax.set_xlabel("entry")
            if "-" not in label:
                ax.set_ylim(-1.05 * limit, 1.05 * limit)
        else:
            spread = np.abs(values).max() if "-" in label else limit
            image = ax.imshow(values.reshape(values.shape[0], -1), cmap="RdBu_r", vmin=-spread or -1,
                              vmax=spread or 1, aspect="auto", interpolation="nearest")
            fig.colorbar(image, ax=ax, shrink=0.85)
            ax.set_xlabel("column")
            ax.set_ylabel("row")
            ax.xaxis.set_major_locator(MaxNLocator(integer=True))  # entries are whole-numbered
            ax.yaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_title(f"{name}: {label}")
    fig.suptitle(title or f"the gradient of {name}")
    return fig
