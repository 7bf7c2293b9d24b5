# %%
"""Chapter 4.5: TwoLayerNet (784-50-10, sigmoid) trained by its numerical gradient, beside backprop.
=================================================================================================

Book: "Deep Learning from Scratch", sections 4.5.2-4.5.3 (mini-batch training, evaluation on
test data), ch04/train_neuralnet.py: batch 100, learning rate 0.1, plain SGD. The book's
numerical gradient changes one of the 39,760 weights at a time and runs the whole network
twice for each, so a step takes long enough that the book trains with backpropagation
instead (chapter 5). scratchnet's numerical gradient computes the same central differences
from the structure of the network (scratchnet/networks/rank_one.py), fast enough to train
with. Both runs start from the same weights and see the same mini-batches; an epoch is 40
iterations of the embedded 4,000 images. `--iterations 10000` runs the book's full count.
"""

import time

from scratchnet.chapter import ChapterRun
from scratchnet.datasets import load_mnist
from scratchnet.networks import TwoLayerNet
from scratchnet.optimizers import SGD
from scratchnet.plot import plot_history_comparison
from scratchnet.training import Trainer


def main(argv=None):
    run = ChapterRun(__doc__, globals().get("__file__"), argv, options={"--iterations": {
        "type": int, "default": 600, "help": "training iterations (the book runs 10000; default 600, 15 epochs)"}})
    (x_train, t_train), (x_test, t_test) = load_mnist(normalize=True, one_hot_label=True)
    iterations = 40 if run.quick else run.args.iterations
    epochs = max(1, iterations // 40)
    histories, seconds = {}, {}
    for gradient in ("backprop", "numerical"):
        network = TwoLayerNet(784, 50, 10, weight_init_std=0.01, seed=0, activation="sigmoid")
        trainer = Trainer(network, SGD(lr=0.1), x_train, t_train, x_test, t_test, epochs=epochs, batch_size=100,
                          seed=0, verbose=gradient == "numerical", gradient=gradient)  # a bar through its minute
        began = time.perf_counter()
        histories[f"{gradient} gradient"] = trainer.fit()
        seconds[gradient] = time.perf_counter() - began
        run.log(f"  {gradient:9s} gradient: {trainer.iteration} iterations in {seconds[gradient]:.1f} s "
                f"({1e3 * seconds[gradient] / trainer.iteration:.1f} ms an iteration, with the accuracy "
                f"measurements); test accuracy {trainer.history.test_acc[-1]:.4f}")
    run.log(f"  the book's 10,000 iterations by numerical gradient would take about "
            f"{seconds['numerical'] / (epochs * 40) * 10000 / 60:.0f} minutes here")
    difference = max(abs(a - b) for a, b in zip(histories["backprop gradient"].test_acc,
                                                 histories["numerical gradient"].test_acc, strict=True))
    run.log(f"  largest difference of the two test-accuracy curves: {difference:.4f}")
    fig = plot_history_comparison(histories, styles={"numerical gradient": (0, (4, 3))},
                                  title=f"TwoLayerNet 784-50-10 (sigmoid), SGD lr 0.1, batch 100, {epochs * 40} "
                                        f"iterations: numerical gradient vs backprop")
    run.save(fig, "ch04_train_neuralnet.png")
    return run.finish()


# %%
if __name__ == "__main__":
    main()
