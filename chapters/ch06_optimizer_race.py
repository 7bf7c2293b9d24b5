# %%
"""Chapter 6.1: the six optimizers racing on the bowl (animation), and Adam rolling down the 3D surface.
=====================================================================================================

Book: "Deep Learning from Scratch", section 6.1 (updating parameters). The still
figures of ch06_optimizer_paths show where each optimizer went; this animation shows
how fast: step by step, all six together, from (-7, 2) with the learning rates of
that chapter. Written as MP4 when ffmpeg is installed, as GIF otherwise.
"""

from scratchnet.chapter import ChapterRun
from scratchnet.objectives import descend, get_objective
from scratchnet.optimizers import get_optimizer
from scratchnet.plot import animate_race, animate_surface_descent, interactive
from scratchnet.plot.style import color_for

START = (-7.0, 2.0)
RATES = {"SGD": 0.95, "Momentum": 0.1, "Nesterov": 0.1, "AdaGrad": 1.5, "RMSprop": 0.3, "Adam": 0.3}


def main(argv=None):
    run = ChapterRun(__doc__, globals().get("__file__"), argv)
    bowl = get_objective("bowl")
    steps = 10 if run.quick else 40
    paths = {name: descend(get_optimizer(name, lr=lr), bowl, START, steps) for name, lr in RATES.items()}
    named = {f"{name} (lr {lr:g})": path for (name, lr), path in zip(RATES.items(), paths.values(), strict=True)}
    race = animate_race(bowl, named, zoom=1.0,
                        title=f"six optimizers racing from {START} on {bowl.formula}")
    run.save_animation(race, "ch06_optimizer_race", fps=6)
    rolling = animate_surface_descent(bowl, paths["Adam"], label="Adam (lr 0.3)", n=30 if run.quick else 50,
                                      ylim=(-3, 3))
    run.save_animation(rolling, "ch06_surface_descent", fps=6)
    X, Y, Z = bowl.grid(40 if run.quick else 80, ylim=(-3, 3))
    adam = paths["Adam"]
    run.save_page("ch06_surface_descent", interactive.descent_animation, X[0], Y[:, 0], Z, adam,
                  bowl(adam[:, 0], adam[:, 1]), label="Adam (lr 0.3)", xlabel="x", ylabel="y", zlabel="f(x, y)",
                  equal_aspect=True, color=color_for("Adam"), title="Adam on the bowl x²/20 + y²: play, pause, rotate")
    return run.finish()


# %%
if __name__ == "__main__":
    main()
