# %%
"""Chapter 4.4: the gradient as a field of arrows: -grad of x0^2 + x1^2 points to the minimum.
===========================================================================================

Book: "Deep Learning from Scratch", section 4.4 (gradient), figure 4-9. Every arrow
points where the function falls fastest, and is longer where the slope is steeper;
together they all point at the lowest place, (0, 0).
"""

import numpy as np

from scratchnet.chapter import ChapterRun
from scratchnet.objectives import get_objective
from scratchnet.plot import plot_gradient_field


def main(argv=None):
    run = ChapterRun(__doc__, globals().get("__file__"), argv)
    grid = np.arange(-2, 2.5, 0.25)  # the book's grid
    fig = plot_gradient_field(get_objective("sphere"), grid, grid,
                              title=r"$-\nabla f$ for $f(x_0, x_1) = x_0^2 + x_1^2$ "
                                    r"(lengths in proportion to $\|\nabla f\|$)")
    run.save(fig, "ch04_gradient_field.png")
    return run.finish()


# %%
if __name__ == "__main__":
    main()
