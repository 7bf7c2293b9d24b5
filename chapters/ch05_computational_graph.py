# %%
"""Chapter 5.4: the computational graph: MulLayer and AddLayer on the book's apples and oranges.
=============================================================================================

Book: "Deep Learning from Scratch", sections 5.4.1-5.4.2, figures 5-16 and 5-17. Two
apples at 100 with 10% tax cost 220; backward, the price's gradient with respect to the
apple price is 2.2, to the number of apples 110, to the tax 200. With three oranges at
150 as well: 715, and gradients 110 (apples), 2.2 (apple price), 3.3 (orange price),
165 (oranges), 650 (tax). Printed as the book's code prints them (``int(price)``: 220 and
715), with the raw floats beside (220.00000000000003 and 715.0000000000001: 1.1 is not exact in
binary).
"""

from scratchnet.chapter import ChapterRun
from scratchnet.graph import apple_example, apple_orange_example
from scratchnet.plot.basics import plot_computational_graph


def main(argv=None):
    run = ChapterRun(__doc__, globals().get("__file__"), argv)
    price, (dapple, dapple_num, dtax) = apple_example()
    # As the book prints them (its buy_apple.py: int(price), int(dapple_num)), the raw floats beside.
    run.log(f"  apples: price: {int(price)}, dApple: {dapple}, dApple_num: {int(dapple_num)}, dTax: {dtax} "
            f"(as floats: price {price}, dApple_num {dapple_num})")
    nodes = {"apple": (0, 1, ""), "apple_num": (0, 0, ""), "mul": (2, 0.5, "×"), "tax": (2, -0.8, ""),
             "mul_tax": (4, 0.2, "×"), "price": (6, 0.2, "")}
    edges = [("apple", "mul", 100, dapple), ("apple_num", "mul", 2, dapple_num), ("mul", "mul_tax", 200, 1.1),
             ("tax", "mul_tax", 1.1, dtax), ("mul_tax", "price", round(price, 10), 1)]
    run.save(plot_computational_graph(nodes, edges, title="figure 5-16: two apples with tax"),
             "ch05_graph_apple.png")

    price, (dapple_num, dapple, dorange, dorange_num, dtax) = apple_orange_example()
    run.log(f"  apples and oranges: price: {int(price)}, dApple: {dapple}, dApple_num: {int(dapple_num)}, "
            f"dOrange: {dorange}, dOrange_num: {int(dorange_num)}, dTax: {dtax} (as floats: price {price}, "
            f"dApple_num {dapple_num}, dOrange_num {dorange_num})")
    nodes = {"apple": (0, 2, ""), "apple_num": (0, 1.2, ""), "orange": (0, 0.4, ""), "orange_num": (0, -0.4, ""),
             "mul_apple": (2, 1.6, "×"), "mul_orange": (2, 0.0, "×"), "add": (4, 0.8, "+"), "tax": (4, -0.7, ""),
             "mul_tax": (6, 0.4, "×"), "price": (8, 0.4, "")}
    edges = [("apple", "mul_apple", 100, dapple), ("apple_num", "mul_apple", 2, dapple_num),
             ("orange", "mul_orange", 150, dorange), ("orange_num", "mul_orange", 3, dorange_num),
             ("mul_apple", "add", 200, 1.1), ("mul_orange", "add", 450, 1.1), ("add", "mul_tax", 650, 1.1),
             ("tax", "mul_tax", 1.1, dtax), ("mul_tax", "price", round(price, 10), 1)]
    run.save(plot_computational_graph(nodes, edges, title="figure 5-17: apples and oranges with tax"),
             "ch05_graph_apple_orange.png")
    return run.finish()


# %%
if __name__ == "__main__":
    main()
