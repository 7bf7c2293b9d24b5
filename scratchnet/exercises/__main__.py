"""``python -m scratchnet.exercises ...``: the same as ``scratchnet exercises ...``."""

import sys

from scratchnet.cli import main

if __name__ == "__main__":
    sys.exit(main(["exercises", *sys.argv[1:]]))
