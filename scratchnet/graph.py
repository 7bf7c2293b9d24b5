r"""Chapter 5.4: the computational graph's two simplest nodes, multiplication and addition.

``forward(x, y)`` returns the node's output; ``backward(dout)`` returns ``(dx, dy)``, the
upstream gradient passed to each input. Multiplication swaps its inputs on the way back,
:math:`\partial(xy)/\partial x = y`; addition passes the gradient through unchanged.
"""


class MulLayer:
    """:math:`z = x y`; backward: ``(dout * y, dout * x)``."""

    def __init__(self):
        self.x = self.y = None

    def forward(self, x, y):
        self.x, self.y = x, y
        return x * y

    def backward(self, dout):
        return dout * self.y, dout * self.x


class AddLayer:
    """:math:`z = x + y`; backward: ``(dout, dout)``."""

    def forward(self, x, y):
        return x + y

    def backward(self, dout):
        return dout * 1, dout * 1


def apple_example(apple=100, apple_num=2, tax=1.1):
    """The book's figure 5-16: two apples at 100 with 10% tax. Returns ``(price, (dapple, dapple_num, dtax))``."""
    mul_apple, mul_tax = MulLayer(), MulLayer()
    price = mul_tax.forward(mul_apple.forward(apple, apple_num), tax)
    dapple_price, dtax = mul_tax.backward(1)
    dapple, dapple_num = mul_apple.backward(dapple_price)
    return price, (dapple, dapple_num, dtax)


def apple_orange_example(apple=100, apple_num=2, orange=150, orange_num=3, tax=1.1):
    """The book's figure 5-17: 2 apples and 3 oranges, 10% tax.

    Returns ``(price, (dapple_num, dapple, dorange, dorange_num, dtax))``.
    """
    mul_apple, mul_orange, add, mul_tax = MulLayer(), MulLayer(), AddLayer(), MulLayer()
    apple_price = mul_apple.forward(apple, apple_num)
    orange_price = mul_orange.forward(orange, orange_num)
    price = mul_tax.forward(add.forward(apple_price, orange_price), tax)
    dall_price, dtax = mul_tax.backward(1)
    dapple_price, dorange_price = add.backward(dall_price)
    dorange, dorange_num = mul_orange.backward(dorange_price)
    dapple, dapple_num = mul_apple.backward(dapple_price)
    return price, (dapple_num, dapple, dorange, dorange_num, dtax)
