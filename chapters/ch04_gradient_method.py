# %%
"""Chapter 4.4.1: gradient descent from (-3, 4) with a good, a too-large and a too-small learning rate.
====================================================================================================

Book: "Deep Learning from Scratch", section 4.4.1 (gradient method), figure 4-10. With
lr 0.1 each step shrinks the point by a factor 1 - 2 lr = 0.8 and it walks into the
minimum; with lr 10 it is multiplied by -19 and flies off; with lr 1e-10 it does not
visibly move. The learning rate is a hyperparameter you must choose.

Comparing with the book's printed numbers: the book runs lr 10 and lr 1e-10 for 100
steps with its *numerical* gradient, and so does this script for the numbers it prints
(they equal the book's: (-2.58983747e+13, -1.29524862e+12) and (-2.99999994, 3.99999992)).
The lr-10 end point is not where the mathematics goes: after about ten steps the point
is so large (beyond 1e12 in size) that x + h rounds back to x in float64 for h = 1e-4, the central
difference becomes 0 and the point stops. With the exact gradient 2x the distance keeps
growing 19 times a step (to about 1e128 after 100 steps). The middle panel draws both.
"""

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.ticker import LogLocator, MaxNLocator

from scratchnet.chapter import ChapterRun
from scratchnet.gradient import numerical_gradient
from scratchnet.objectives import descend, get_objective
from scratchnet.optimizers import SGD
from scratchnet.plot.contours import draw_contours, draw_path

START = (-3.0, 4.0)


def numerical_descent(f, start, lr, steps):
    """The book's ``gradient_descent``: ``x -= lr * numerical_gradient(f, x)``; returns the path ``(steps + 1, 2)``."""
    x = np.array(start, dtype=float)
    path = [x.copy()]
    for _ in range(steps):
        x -= lr * numerical_gradient(f, x)
        path.append(x.copy())
    return np.array(path)


def draw_divergence(ax, exact, numerical):
    """Distance from the minimum, log scale: the exact gradient against the book's numerical one."""
    steps = np.arange(len(exact))
    ax.semilogy(steps, np.hypot(exact[:, 0], exact[:, 1]), "-", color="#d62728", lw=2,
                label="exact gradient 2x: the distance grows\n19-fold each step (x - 10 * 2x = -19x)")
    ax.semilogy(steps, np.hypot(numerical[:, 0], numerical[:, 1]), "--", color="#1f77b4", lw=2,
                label="numerical gradient (the book's):\nstops once x + h == x")
    ax.set_xlabel("step")
    ax.set_ylabel("distance from the minimum (log scale)")
    ax.set_xlim(0, steps[-1])
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.yaxis.set_major_locator(LogLocator(base=10.0**20))  # a tick every 20 decades: round powers of ten
    ax.grid(alpha=0.3)
    ax.legend(loc="upper left", fontsize=8)


def main(argv=None):
    run = ChapterRun(__doc__, globals().get("__file__"), argv)
    sphere = get_objective("sphere")

    def f(x):
        return sphere(x[0], x[1])

    fig, axes = plt.subplots(1, 3, figsize=(15, 5), layout="constrained")
    # lr 0.1: the book's figure 4-10, 20 steps.
    path = descend(SGD(lr=0.1), sphere, START, 20)
    run.log(f"  lr 0.1, 20 steps: ({path[-1, 0]:.4g}, {path[-1, 1]:.4g})")
    # lr 10 and 1e-10: the book's printed experiments, 100 steps of the numerical gradient.
    numerical = {lr: numerical_descent(f, START, lr, 100) for lr in (10.0, 1e-10)}
    for lr, values in numerical.items():
        run.log(f"  lr {lr:g}, 100 steps of the numerical gradient: {np.array2string(values[-1], precision=8)}")
    exact = descend(SGD(lr=10.0), sphere, START, 100)
    run.log(f"  lr 10, 100 steps of the exact gradient: ({exact[-1, 0]:.3g}, {exact[-1, 1]:.3g})")

    for ax, points, lr, caption in ((axes[0], path, 0.1, "lr = 0.1: converges (20 steps)"),
                                    (axes[2], numerical[1e-10], 1e-10, "lr = 1e-10: stuck (100 steps)")):
        draw_contours(ax, sphere, xlim=(-4.5, 4.5), ylim=(-4.5, 4.5))
        draw_path(ax, points, f"lr {lr:g}", "#d62728")
        ax.set_aspect("equal")
        ax.set_xlabel("$x_0$")
        ax.set_ylabel("$x_1$")
        end = points[-1]
        ax.set_title(f"{caption}\nend: ({end[0]:.8f}, {end[1]:.8f})", fontsize=10)
    draw_divergence(axes[1], exact, numerical[10.0])
    end = numerical[10.0][-1]
    axes[1].set_title(f"lr = 10: diverges (100 steps)\nnumerical end: ({end[0]:.6g}, {end[1]:.6g})", fontsize=10)
    fig.suptitle(rf"gradient descent on {sphere.formula} from {START}")
    run.save(fig, "ch04_gradient_method.png")
    return run.finish()


# %%
if __name__ == "__main__":
    main()
