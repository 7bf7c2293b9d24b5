"""Networks: layers in order and a loss layer, with ``params``, ``loss``, ``gradient`` and ``accuracy``.

- :mod:`~scratchnet.networks.base`: ``LayerNet``, and its two numerical gradients (the
  book's loop, and the batched one).
- :mod:`~scratchnet.networks.rank_one`: the fast path of the numerical gradient for a hidden layer's weights.
- :mod:`~scratchnet.networks.mlp`: ``TwoLayerNet``, ``MultiLayerNet``, ``build_network``.
- :mod:`~scratchnet.networks.convnet`: ``SimpleConvNet`` (chapter 7), ``DeepConvNet`` (chapter 8).
- :mod:`~scratchnet.networks.params_net`: ``from_params``, a hand-written MLP's arrays as a network.
"""

from scratchnet.networks.base import LayerNet
from scratchnet.networks.convnet import DeepConvNet, SimpleConvNet
from scratchnet.networks.mlp import ACTIVATIONS, MultiLayerNet, TwoLayerNet, build_network
from scratchnet.networks.params_net import ParamsNet, from_params

__all__ = ["ACTIVATIONS", "DeepConvNet", "LayerNet", "MultiLayerNet", "ParamsNet", "SimpleConvNet", "TwoLayerNet",
           "build_network", "from_params"]
