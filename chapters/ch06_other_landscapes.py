# %%
"""Chapter 6.1: the six optimizers on harder ground: Rosenbrock's curved valley, Beale's plateaus, a saddle.
=========================================================================================================

Book: "Deep Learning from Scratch", section 6.1.7 says no optimizer wins everywhere.
Here is why. On Rosenbrock the minimum (1, 1) lies at the end of a long, bent, flat
valley. Beale has steep walls and flat plateaus, which punish a fixed step size. On
the saddle x^2 - y^2, a point started almost on the ridge must first notice that it can
fall away. To be fair, each optimizer gets its best learning rate on each landscape,
found right here by trying 24 rates from 1e-5 to 3 and keeping the one with the
lowest mean f along its path (fast and steady beats lucky last steps). The saddle has no minimum to
tune for, so every optimizer uses lr 0.05 there: it shows who escapes first.
"""

import numpy as np

from scratchnet.chapter import ChapterRun
from scratchnet.objectives import best_learning_rate, descend, get_objective
from scratchnet.optimizers import get_optimizer
from scratchnet.plot import plot_optimizer_grid

OPTIMIZERS = ("SGD", "Momentum", "Nesterov", "AdaGrad", "RMSprop", "Adam")
TUNED = {"rosenbrock": {"start": (-1.2, 1.0), "steps": 400}, "beale": {"start": (-2.0, 2.5), "steps": 400}}
SADDLE = {"start": (1.8, 1e-3), "steps": 40, "lr": 0.05}


def main(argv=None):
    run = ChapterRun(__doc__, globals().get("__file__"), argv)
    rates = np.geomspace(1e-5, 3, 6 if run.quick else 24)
    for name, setting in TUNED.items():
        objective = get_objective(name)
        steps = setting["steps"] // 10 if run.quick else setting["steps"]
        paths, chosen = {}, {}
        for label in OPTIMIZERS:
            chosen[label], path = best_learning_rate(label, objective, setting["start"], steps, rates)
            paths[f"{label} (lr {chosen[label]:.2g})"] = path
        for label, path in paths.items():
            run.log(f"  {name:<10} {label:<20} ends at ({path[-1][0]:+.3f}, {path[-1][1]:+.3f}), "
                    f"f = {objective(*path[-1]):.3g}")
        fig = plot_optimizer_grid(objective, paths, ncols=3, markers=False,
                                  title=f"{name}: {objective.formula}, from {setting['start']}, {steps} steps, "
                                        f"each optimizer at its best learning rate")
        run.save(fig, f"ch06_landscape_{name}.png")
    saddle = get_objective("saddle")
    steps = SADDLE["steps"] // 4 if run.quick else SADDLE["steps"]
    paths = {label: descend(get_optimizer(label, lr=SADDLE["lr"]), saddle, SADDLE["start"], steps)
             for label in OPTIMIZERS}
    for label, path in paths.items():
        run.log(f"  saddle     {label:<20} ends at ({path[-1][0]:+.3f}, {path[-1][1]:+.3f})")
    fig = plot_optimizer_grid(saddle, paths, ncols=3,
                              title=f"saddle: {saddle.formula}, from {SADDLE['start']}, {steps} steps, "
                                    f"all at lr {SADDLE['lr']}")
    run.save(fig, "ch06_landscape_saddle.png")
    return run.finish()


# %%
if __name__ == "__main__":
    main()
