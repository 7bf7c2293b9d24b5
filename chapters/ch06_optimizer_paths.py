# %%
"""Chapter 6.1.7: SGD, Momentum, AdaGrad and Adam (plus Nesterov, RMSprop) from (-7, 2) on the bowl.
=================================================================================================

Book: "Deep Learning from Scratch", section 6.1.7 (which method to use), figure 6-8,
with the book's learning rates: SGD 0.95, Momentum 0.1, AdaGrad 1.5, Adam 0.3, 30
steps. SGD zig-zags across the steep direction; Momentum rolls like a ball; AdaGrad
shrinks its steps where it has moved much; Adam combines both. Also drawn: all six
optimizers on one map, and the same paths on the 3D surface.
"""

from scratchnet.chapter import ChapterRun
from scratchnet.objectives import descend, get_objective
from scratchnet.optimizers import get_optimizer
from scratchnet.plot import interactive, plot_optimizer_grid, plot_paths_and_losses, plot_surface_paths

START, STEPS = (-7.0, 2.0), 30
BOOK_RATES = {"SGD": 0.95, "Momentum": 0.1, "AdaGrad": 1.5, "Adam": 0.3}
MORE_RATES = {"Nesterov": 0.1, "RMSprop": 0.3}


def optimizer_paths(rates, objective="bowl", start=START, steps=STEPS):
    """name -> path of that optimizer (with its learning rate) from ``start``."""
    return {name: descend(get_optimizer(name, lr=lr), objective, start, steps) for name, lr in rates.items()}


def with_rates(paths, rates):
    """``paths`` keyed "SGD (lr 0.95)": each optimizer named with its learning rate (colours follow the name)."""
    return {f"{name} (lr {rates[name]:g})": path for name, path in paths.items()}


def main(argv=None):
    run = ChapterRun(__doc__, globals().get("__file__"), argv)
    bowl = get_objective("bowl")
    four = optimizer_paths(BOOK_RATES)
    six = optimizer_paths({**BOOK_RATES, **MORE_RATES})
    for name, path in six.items():
        run.log(f"  {name:<9} ends at ({path[-1][0]:+.4f}, {path[-1][1]:+.4f}), f = {bowl(*path[-1]):.2e}")
    # The book's window: x and y in [-10, 10] (its figure 6-8), every panel titled with its learning rate.
    run.save(plot_optimizer_grid(bowl, with_rates(four, BOOK_RATES), ncols=2, ylim=(-10, 10),
                                 title=f"figure 6-8: four optimizers from {START}, {STEPS} steps"),
             "ch06_optimizer_paths.png")
    run.save(plot_optimizer_grid(bowl, with_rates(six, {**BOOK_RATES, **MORE_RATES}), ncols=3,
                                 title=f"six optimizers from {START}, {STEPS} steps (Nesterov and RMSprop: "
                                       "rates chosen here, the book gives none)"),
             "ch06_optimizer_paths_six.png")
    run.save(plot_paths_and_losses(bowl, with_rates(six, {**BOOK_RATES, **MORE_RATES}), zoom=1.0,
                                   title=f"six optimizers on one map, and how fast each gets down: {bowl.formula}"),
             "ch06_optimizer_paths_overlay.png")
    run.save_page("ch06_optimizer_paths_3d", interactive.objective_paths_figure, bowl, six, ylim=(-3, 3),
                  title="six optimizers on the bowl: drag to rotate, hover for the values")
    run.save(plot_surface_paths(bowl, four, ylim=(-3, 3), separate=True,
                                title=f"the same four paths on the surface of {bowl.formula}"),
             "ch06_optimizer_paths_3d.png")
    return run.finish()


# %%
if __name__ == "__main__":
    main()
