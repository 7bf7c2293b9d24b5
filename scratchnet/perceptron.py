r"""Chapter 2: perceptrons as logic gates. :math:`y = 1` if :math:`w_1 x_1 + w_2 x_2 + b > 0`, else 0.

The weights and biases are the book's (section 2.3.3). One perceptron draws one straight
line through the input plane, so AND, NAND and OR each are one perceptron; XOR needs two
layers, XOR(x1, x2) = AND(NAND(x1, x2), OR(x1, x2)) (section 2.5.2).
"""

import numpy as np

#: gate -> (weights, bias), the book's values
GATES = {
    "AND": (np.array([0.5, 0.5]), -0.7),
    "NAND": (np.array([-0.5, -0.5]), 0.7),
    "OR": (np.array([0.5, 0.5]), -0.2),
}
INPUTS = ((0, 0), (1, 0), (0, 1), (1, 1))


def perceptron(x1, x2, weights, bias):
    """1 where ``weights @ (x1, x2) + bias > 0``, else 0 (integers; works on arrays too)."""
    return (weights[0] * np.asarray(x1) + weights[1] * np.asarray(x2) + bias > 0).astype(int)


def AND(x1, x2):  # noqa: N802 - the book's names
    return perceptron(x1, x2, *GATES["AND"])


def NAND(x1, x2):  # noqa: N802
    return perceptron(x1, x2, *GATES["NAND"])


def OR(x1, x2):  # noqa: N802
    return perceptron(x1, x2, *GATES["OR"])


def XOR(x1, x2):  # noqa: N802
    """Two layers: NAND and OR side by side, then AND of their outputs."""
    return AND(NAND(x1, x2), OR(x1, x2))


def truth_table(gate):
    """The truth table of ``gate`` over the four inputs, as ``[((x1, x2), y), ...]``."""
    return [((x1, x2), int(gate(x1, x2))) for x1, x2 in INPUTS]
