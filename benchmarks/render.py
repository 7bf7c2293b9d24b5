"""Render what the benchmarks measured (``benchmarks/results.json``) as Markdown, never typed by hand.

``performance_tables(results)`` is the docs' performance page: every benchmark, every
ratio, the machine it ran on. ``readme_table(results)`` is the README's short table: one
line per benchmark. ``python benchmarks/render.py`` rewrites the README's table in place
(between its ``<!-- benchmarks -->`` markers); ``make bench`` runs it after the benchmarks.
"""

import json
import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results.json"
README = HERE.parent / "README.md"
START = "<!-- benchmarks: rendered from benchmarks/results.json by benchmarks/render.py -->"
END = "<!-- /benchmarks -->"

# The benchmarks in the order a reader meets their subjects, and each one's line in the README (a row's index).
ORDER = {"bench_landscape": 2, "bench_plane_limits": 0, "bench_numerical_gradient": 0, "bench_trainer": 0,
         "bench_convnet": 0, "bench_blas_threads": 1, "bench_race_writers": 0, "bench_exercises": 0,
         "bench_memory": 0, "bench_curvature": 1, "bench_peers": 0}


def load(path=RESULTS):
    return json.loads(Path(path).read_text(encoding="utf-8"))


def value(row):
    """A row's number as a reader wants it: ``646x``, ``0.93x``, ``12% of peak``."""
    number = row["value"]
    digits = f"{number:.0f}" if number >= 100 else f"{number:.1f}" if number >= 10 else f"{number:.2f}"
    return digits + ("x" if row["unit"] == "x" else f" {row['unit']}")


def ordered(results):
    known = [name for name in ORDER if name in results]
    return known + sorted(set(results) - set(known))


PEERS = "bench_peers"  # every row of it in a table of its own: where scratchnet stands against PyTorch and JAX


def readme_table(results):
    lines = ["| benchmark | measured | against | target |", "| --- | --- | --- | --- |"]
    for name in ordered(results):
        if name == PEERS:
            continue
        result = results[name]
        row = result["rows"][min(ORDER.get(name, 0), len(result["rows"]) - 1)]
        lines.append(f"| `{name}`: {row['measure']} | {value(row)} | {row['against']} | "
                     f"{'met' if result['met'] else 'missed'} |")
    if PEERS in results:
        lines += ["", peers_table(results[PEERS])]
    return "\n".join(lines) + "\n"


def peers_table(result):
    """One line per work, one column per peer: the peer's time over scratchnet's (rows older than the JAX
    contender carry no ``peer``: they are PyTorch's)."""
    peers, works = [], {}
    for row in result["rows"]:
        peer = row.get("peer", "PyTorch")
        peers += [peer] if peer not in peers else []
        works.setdefault(row["measure"], {})[peer] = value(row)
    names = " and ".join(peers)
    lines = [f"Against {names} (`{PEERS}`, {result['date']}; one thread each, the same network, weights and "
             "numbers): each peer's time over scratchnet's, above 1 where scratchnet is faster.", "",
             "| work | " + " | ".join(f"{peer} / scratchnet" for peer in peers) + " |",
             "| --- |" + " --- |" * len(peers)]
    lines += [f"| {work} | " + " | ".join(cells.get(peer, "not run") for peer in peers) + " |"
              for work, cells in works.items()]
    return "\n".join(lines)


    return "\n".join(lines) + "\n"


def performance_tables(results):
    parts = []
    for name in ordered(results):
        result, machine = results[name], results[name]["machine"]
        load = f", load {machine['load_1min']:.2f}" if machine.get("load_1min") is not None else ""
        parts.append(f"### `benchmarks/{name}.py`\n\n"
                     f"Target: {result['target']} (**{'met' if result['met'] else 'missed'}**). Measured on "
                     f"{result['date']}: {machine['cores']} cores{load}; {machine['blas']}; Python "
                     f"{machine['python']}, numpy {machine['numpy']}.\n\n"
                     "| measured | result | against |\n| --- | --- | --- |\n"
                     + "".join(f"| {row['measure']} | {value(row)} | {row['against']} |\n" for row in result["rows"]))
    return "\n".join(parts)


def with_readme_table(text, results):
    """``text`` (the README) with the block between the markers replaced by the rendered table."""
    if START not in text or END not in text:
        raise ValueError(f"README: expected the markers {START!r} and {END!r} around the benchmarks' table")
    head, rest = text.split(START, 1)
    _, tail = rest.split(END, 1)
    return f"{head}{START}\n{readme_table(results)}{END}{tail}"


def main():
    text = README.read_text(encoding="utf-8")
    updated = with_readme_table(text, load())
    if updated != text:
        temporary = README.with_name(f".{README.name}.part")
        temporary.write_text(updated, encoding="utf-8")
        os.chmod(temporary, os.stat(README).st_mode & 0o777)
        os.replace(temporary, README)
        print(f"rendered the benchmarks' table into {README}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
