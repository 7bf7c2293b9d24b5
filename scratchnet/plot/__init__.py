"""Figure builders. Each takes data and returns a matplotlib Figure (or Animation).

Nothing here writes a file; chapter scripts and the CLI do that, through
:func:`scratchnet.plot.saving.save_figure`.
"""

from scratchnet.plot.curves import moving_average, plot_training_curves
from scratchnet.plot.saving import save_figure

__all__ = ["moving_average", "plot_training_curves", "save_figure"]
