# %%
"""Chapter 2: AND, NAND and OR as one perceptron each, and XOR, which needs two layers.
====================================================================================

Book: "Deep Learning from Scratch", sections 2.3 (implementing perceptrons: AND with
w = (0.5, 0.5), b = -0.7; NAND with (-0.5, -0.5), 0.7; OR with (0.5, 0.5), -0.2),
2.4 (figures 2-6 to 2-8: one line cannot separate XOR's outputs) and 2.5.2 (XOR as
AND(NAND, OR)). Prints the four truth tables; draws each gate's line and the region it
calls 1, and XOR's regions with the NAND and OR lines that make them.
"""

from scratchnet.chapter import ChapterRun
from scratchnet.perceptron import AND, GATES, NAND, OR, XOR, truth_table
from scratchnet.plot.basics import plot_gates


def main(argv=None):
    run = ChapterRun(__doc__, globals().get("__file__"), argv)
    for gate in (AND, NAND, OR, XOR):
        rows = ", ".join(f"{x1}{x2} -> {y}" for (x1, x2), y in truth_table(gate))
        run.log(f"  {gate.__name__:<4} {rows}")
    fig = plot_gates(GATES, two_layer={"XOR": XOR}, first_layer=("NAND", "OR"))  # XOR = AND(NAND, OR)
    fig.suptitle("perceptrons: one line each; XOR = AND(NAND, OR) needs two")
    run.save(fig, "ch02_perceptron.png")
    return run.finish()


# %%
if __name__ == "__main__":
    main()
