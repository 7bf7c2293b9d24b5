# %%
"""Chapter 4.3: the numerical derivative and tangent lines; 4.4.2: the gradient of simpleNet.
==========================================================================================

Book: "Deep Learning from Scratch", section 4.3.2 (figures 4-6 and 4-7): the numerical
derivative of f(x) = 0.01x^2 + 0.1x at x = 5 and x = 10 prints 0.1999999999990898 and
0.2999999999986347 (the exact values are 0.2 and 0.3; h = 1e-4 and rounding make the
difference). Section 4.4.2: simpleNet, z = x W with the book's printed 2 x 3 W, x = (0.6, 0.9),
label 2, and the numerical gradient dW of its cross-entropy loss. The book's printed dW,
[[0.21924763 0.14356247 -0.36281009] [0.32887144 0.2153437 -0.54421514]], comes from the
printed W to every digit once the 1e-7 that cross_entropy_error adds inside the log is left
out (the exact loss); with the 1e-7, as the book's code has it today, the last two digits
differ. Both are printed.
"""

import numpy as np

from scratchnet.chapter import ChapterRun
from scratchnet.functions import cross_entropy_error, softmax
from scratchnet.gradient import numerical_diff, numerical_gradient
from scratchnet.plot.basics import plot_lines

SIMPLENET_W = np.array([[0.47355232, 0.9977393, 0.84668094], [0.85557411, 0.03563661, 0.69422093]])


def function_1(x):
    return 0.01 * x**2 + 0.1 * x


def main(argv=None):
    run = ChapterRun(__doc__, globals().get("__file__"), argv)
    x = np.arange(0.0, 20.0, 0.1)
    curves = {"f(x) = 0.01x² + 0.1x": function_1(x)}
    for point in (5, 10):
        slope = numerical_diff(function_1, point)
        run.log(f"  numerical derivative at x = {point}: {slope!r}")
        curves[f"tangent at x = {point} (slope {slope:.4f})"] = slope * (x - point) + function_1(point)
    run.save(plot_lines(x, curves, title="the numerical derivative as a tangent line", ylabel="f(x)",
                        styles={label: {"linestyle": "--"} for label in list(curves)[1:]}),
             "ch04_gradient_1d.png")

    W = SIMPLENET_W.copy()
    x_net, t_net = np.array([0.6, 0.9]), np.array([0, 0, 1])

    def loss(_):
        return cross_entropy_error(softmax(x_net @ W), t_net)

    def exact_loss(_):  # the cross-entropy without the 1e-7 inside the log
        return float(-np.log(softmax(x_net @ W)[2]))

    run.log(f"  simpleNet: z = {x_net @ W}, argmax {np.argmax(x_net @ W)}, loss {float(loss(W))!r} "
            f"({exact_loss(W)!r} without the 1e-7)")
    run.log(f"  simpleNet dW, with the 1e-7 of cross_entropy_error =\n{numerical_gradient(loss, W)}")
    run.log(f"  simpleNet dW, exact loss (the book's printed digits) =\n{numerical_gradient(exact_loss, W)}")
    return run.finish()


# %%
if __name__ == "__main__":
    main()
