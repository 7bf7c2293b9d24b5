# %%
"""Chapter 3: the step, sigmoid and ReLU functions, and the forward pass of a 3-layer network.
===========================================================================================

Book: "Deep Learning from Scratch", sections 3.2 (figures 3-6 step, 3-7 sigmoid, 3-8
step and sigmoid together; 3-9 ReLU) and 3.4.3 (a 3-layer network with the book's weights:
input (1.0, 0.5) gives [0.31682708 0.69627909]).
"""

import numpy as np

from scratchnet.chapter import ChapterRun
from scratchnet.functions import identity_function, relu, sigmoid, step_function
from scratchnet.plot.basics import plot_lines

# Section 3.4.3's init_network().
NETWORK = {
    "W1": np.array([[0.1, 0.3, 0.5], [0.2, 0.4, 0.6]]), "b1": np.array([0.1, 0.2, 0.3]),
    "W2": np.array([[0.1, 0.4], [0.2, 0.5], [0.3, 0.6]]), "b2": np.array([0.1, 0.2]),
    "W3": np.array([[0.1, 0.3], [0.2, 0.4]]), "b3": np.array([0.1, 0.2]),
}


def forward(network, x):
    """Sigmoid, sigmoid, identity: the book's three-layer forward pass."""
    z1 = sigmoid(x @ network["W1"] + network["b1"])
    z2 = sigmoid(z1 @ network["W2"] + network["b2"])
    return identity_function(z2 @ network["W3"] + network["b3"])


def main(argv=None):
    run = ChapterRun(__doc__, globals().get("__file__"), argv)
    x = np.arange(-5.0, 5.0, 0.1)
    run.save(plot_lines(x, {"step": step_function(x), "sigmoid": sigmoid(x)}, title="step and sigmoid",
                        ylabel="h(x)", ylim=(-0.1, 1.1), styles={"step": {"linestyle": "--"}}),
             "ch03_step_sigmoid.png")
    run.save(plot_lines(x, {"ReLU": relu(x)}, title="ReLU", ylabel="h(x)", ylim=(-1, 5.5)), "ch03_relu.png")
    y = forward(NETWORK, np.array([1.0, 0.5]))
    run.log(f"  3-layer network, x = [1.0, 0.5]: {y}")
    return run.finish()


# %%
if __name__ == "__main__":
    main()
