"""The Python examples of the README and of each guide of the docs (```python blocks; ```py blocks are shown, not
run), each document's run in order in one namespace.

A ```python block followed directly by a plain ``` block: the plain block is the output
the example prints. Words and shapes must match exactly; numbers must match to the digits
shown, except rounding-noise numbers (below 1e-6, such as gradient-check differences,
which depend on the BLAS build), which must match in order of magnitude.
"""

import contextlib
import io
import math
import re
from pathlib import Path

import matplotlib
import pytest

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
DOCUMENTS = [README] + sorted((ROOT / "docs" / "guides").glob("*.md"))
NUMBER = re.compile(r"[-+]?\d+\.\d+(?:e[-+]?\d+)?|[-+]?\d+e[-+]?\d+")


def examples(document=README):
    """``(code, expected output or None)`` for every python block, in the document's order."""
    blocks = re.findall(r"```(\w*)\n(.*?)```", document.read_text(encoding="utf-8"), re.S)
    found = []
    for index, (language, code) in enumerate(blocks):
        if language == "python":
            following = blocks[index + 1] if index + 1 < len(blocks) else None
            found.append((code, following[1] if following and following[0] == "" and
                          _is_output(following[1]) else None))
    return found


def _is_output(text):
    # Shell-command blocks (make, python, scratchnet, pip) are not output.
    first = text.strip().splitlines()[0] if text.strip() else ""
    return not re.match(r"(make|python|scratchnet|pip|\.|pytest|cd|git)\b", first)


def numbers_agree(shown, printed):
    a, b = float(shown), float(printed)
    if abs(a) < 1e-6 and abs(b) < 1e-6:  # rounding noise: the same order of magnitude
        return a == b == 0 or (a != 0 and b != 0 and abs(math.log10(abs(a) / abs(b))) < 1)
    return shown == printed


def assert_output_matches(shown, printed):
    shown_lines, printed_lines = shown.strip().splitlines(), printed.strip().splitlines()
    assert len(shown_lines) == len(printed_lines), f"README shows:\n{shown}\nthe code prints:\n{printed}"
    for shown_line, printed_line in zip(shown_lines, printed_lines, strict=True):
        assert NUMBER.sub("#", shown_line).split() == NUMBER.sub("#", printed_line).split(), (
            f"README shows {shown_line!r}, the code prints {printed_line!r}")
        for a, b in zip(NUMBER.findall(shown_line), NUMBER.findall(printed_line), strict=True):
            assert numbers_agree(a, b), f"README shows {shown_line!r}, the code prints {printed_line!r}"


def test_every_document_with_examples_is_found():
    counted = {path.name: len(examples(path)) for path in DOCUMENTS}
    assert counted["README.md"] >= 1 and sum(counted.values()) >= 8, counted


@pytest.mark.slow
@pytest.mark.parametrize("document", [path for path in DOCUMENTS if examples(path)],
                         ids=lambda path: path.relative_to(ROOT).as_posix())
def test_examples_run_in_order_and_print_what_the_document_shows(document, monkeypatch, tmp_path):
    matplotlib.use("Agg")
    monkeypatch.chdir(tmp_path)  # examples that write files write them here
    found = examples(document)
    namespace = {"__name__": "__main__"}  # as a script the reader saves them as
    for code, expected in found:
        printed = io.StringIO()
        with contextlib.redirect_stdout(printed):
            exec(compile(code, str(document), "exec"), namespace)
        if expected is not None:
            assert_output_matches(expected, printed.getvalue())


def test_the_output_check_can_fail():
    assert_output_matches("W1 (784, 50) 2.1e-12 ok", "W1 (784, 50) 9.0e-12 ok")
    for shown, printed in [("accuracy 0.945", "accuracy 0.946"), ("W1 ok", "W1 FAIL"),
                           ("d 2.1e-12", "d 3.0e-10"), ("a\nb", "a")]:
        with pytest.raises(AssertionError):
            assert_output_matches(shown, printed)
