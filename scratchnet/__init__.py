"""scratchnet: a from-scratch numpy deep-learning framework, to read beside the textbook.

Modules, from the bottom up: ``functions`` (maths), ``layers``, ``gradient``
(numerical gradients and checks), ``networks``, ``datasets``, ``plot`` (figures), and
``cli`` (the ``scratchnet`` command).
"""

__version__ = "0.2.0"
