# %%
"""Chapter 6.1: the bowl f(x, y) = x^2/20 + y^2 as a wireframe, a colored surface and contours.
============================================================================================

Book: "Deep Learning from Scratch", section 6.1.3 (weakness of SGD), figures 6-1 and
6-2. The bowl is twenty times steeper along y than along x, so the gradient mostly
points across the valley, not along it toward the minimum: the trouble for plain SGD.
"""

from scratchnet.chapter import ChapterRun
from scratchnet.objectives import get_objective
from scratchnet.plot import interactive, plot_surface_views


def main(argv=None):
    run = ChapterRun(__doc__, globals().get("__file__"), argv)
    fig = plot_surface_views(get_objective("bowl"), n=30 if run.quick else 60)
    run.save(fig, "ch06_bowl.png")
    bowl = get_objective("bowl")
    run.save_page("ch06_bowl", interactive.objective_paths_figure, bowl, {}, n=40 if run.quick else 80,
                  title="the bowl f(x, y) = x²/20 + y²: drag to rotate")
    return run.finish()


# %%
if __name__ == "__main__":
    main()
