"""Chapter 4.4.1: gradient descent from (-3, 4) with a good, a too-large and a too-small learning rate.

Book: "Deep Learning from Scratch", section 4.4.1 (gradient method), figure 4-10. With
lr 0.1 each step shrinks the point by a factor 1 - 2 lr = 0.8 and it walks into the
minimum; with lr 10 it is multiplied by -19 and flies off; with lr 1e-10 it does not
visibly move. The learning rate is a hyperparameter you must choose.
"""

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.ticker import MaxNLocator

from scratchnet.cli import ChapterRun
from scratchnet.objectives import descend, get_objective
from scratchnet.optimizers import SGD
from scratchnet.plot.contours import draw_contours, draw_path


def main(argv=None):
    run = ChapterRun(__doc__, __file__, argv)
    sphere = get_objective("sphere")
    start, steps = (-3.0, 4.0), 20
    settings = [(0.1, "lr = 0.1: converges"), (10.0, "lr = 10: diverges"), (1e-10, "lr = 1e-10: stuck")]
    fig, axes = plt.subplots(1, 3, figsize=(16, 5), layout="constrained")
    for ax, (lr, caption) in zip(axes, settings, strict=True):
        path = descend(SGD(lr=lr), sphere, start, steps)
        end = path[-1]
        run.log(f"  lr {lr:g}: after {steps} steps at ({end[0]:.4g}, {end[1]:.4g})")
        if lr == 10.0:
            # The path leaves any sensible window after one step; show its first steps on a log scale.
            distance = np.hypot(path[:, 0], path[:, 1])
            ax.semilogy(np.arange(len(path)), distance, "o-", color="#d62728")
            ax.set_xlabel("step")
            ax.set_ylabel("distance from the minimum (log scale)")
            ax.xaxis.set_major_locator(MaxNLocator(integer=True))
            ax.grid(alpha=0.3)
        else:
            draw_contours(ax, sphere, xlim=(-4.5, 4.5), ylim=(-4.5, 4.5))
            draw_path(ax, path, f"lr {lr:g}", "#d62728")
            ax.set_aspect("equal")
            ax.set_xlabel("$x_0$")
            ax.set_ylabel("$x_1$")
        ax.set_title(f"{caption}\nend: ({end[0]:.3g}, {end[1]:.3g})", fontsize=10)
    fig.suptitle(rf"gradient descent on {sphere.formula} from {start}, {steps} steps")
    run.save(fig, "ch04_gradient_method.png")
    return run.finish()


if __name__ == "__main__":
    main()
