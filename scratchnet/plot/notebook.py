"""Figures and animations that show themselves once in Jupyter, with no setup cell.

In a notebook, matplotlib's inline backend draws every open pyplot figure when a cell
ends, and IPython draws a returned Figure again: the figure would show twice, and an
animation as a static picture of its first frame. So a figure builder, in a notebook,
closes its figure in pyplot before returning it (the Figure itself still draws when
displayed), and an :class:`Animation` displays as matplotlib's JavaScript player, which
needs no ffmpeg.
"""

import functools

import matplotlib.pyplot as plt
from matplotlib.animation import ArtistAnimation

from scratchnet.progress import in_notebook


class Animation(ArtistAnimation):
    """A matplotlib ``ArtistAnimation`` that displays as a playable JavaScript animation in Jupyter."""

    def _repr_html_(self):
        return self.to_jshtml()


def builder(function):
    """Decorate a function that returns a Figure or an Animation: in a notebook, it then shows once."""

    @functools.wraps(function)
    def build(*args, **kwargs):
        result = function(*args, **kwargs)
        if in_notebook():
            plt.close(getattr(result, "_fig", result))
        return result

    return build
