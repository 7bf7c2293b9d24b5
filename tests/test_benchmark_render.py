"""The README's benchmark table and the docs' performance page are rendered from ``benchmarks/results.json``."""

import importlib.util
import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _load_render():
    # benchmarks/ is a folder of scripts, not a package: load the module from its file.
    spec = importlib.util.spec_from_file_location("benchmark_render", ROOT / "benchmarks" / "render.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


render = _load_render()

MACHINE = {"cores": 2, "load_1min": 0.25, "blas": "openblas 0.3 (2 threads)", "python": "3.12.1", "numpy": "2.1.0"}


def _result(rows, met=True, target="at least 2x"):
    return {"date": "2026-12-05", "machine": dict(MACHINE), "target": target, "met": met, "rows": rows}


def _row(measure, number, unit="x", against="the naive loop"):
    return {"measure": measure, "value": number, "unit": unit, "against": against}


RESULTS = {
    "bench_trainer": _result([_row("an epoch", 0.934, against="one fused loop")], met=False),
    "bench_landscape": _result([_row("two weights", 646.4), _row("softmax", 649.0),
                                _row("random plane", 12.345), _row("Dask", 1.7)]),
    "bench_zzz_new": _result([_row("peak", 12.0, unit="% of peak", against="matmul")]),
}


@pytest.mark.parametrize(("number", "unit", "shown"), [
    (646.4, "x", "646x"), (12.345, "x", "12.3x"), (0.934, "x", "0.93x"), (12.0, "% of peak", "12.0 % of peak")])
def test_a_value_is_shown_with_digits_for_its_size_and_its_unit(number, unit, shown):
    assert render.value(_row("m", number, unit)) == shown


def test_the_readme_table_has_one_row_per_benchmark_in_reading_order_with_the_chosen_row():
    lines = render.readme_table(RESULTS).splitlines()
    assert lines[:2] == ["| benchmark | measured | against | target |", "| --- | --- | --- | --- |"]
    # bench_landscape comes first (its subject first in the book's order), its README row is index 2;
    # benchmarks not in ORDER follow, sorted.
    assert lines[2:] == ["| `bench_landscape`: random plane | 12.3x | the naive loop | met |",
                         "| `bench_trainer`: an epoch | 0.93x | one fused loop | missed |",
                         "| `bench_zzz_new`: peak | 12.0 % of peak | matmul | met |"]


def test_the_peers_benchmark_gets_a_table_of_its_own_with_every_row():
    results = {**RESULTS, "bench_peers": _result([_row("SimpleConvNet epoch", 1.21, against="PyTorch"),
                                                  _row("DeepConvNet", 0.5, against="PyTorch")], met=False)}
    lines = render.readme_table(results).splitlines()
    assert not any(line.startswith("| `bench_peers`") for line in lines)  # not in the one-row-each table
    table = lines[lines.index("| work | PyTorch / scratchnet |"):]  # rows without "peer" are PyTorch's
    assert table[2:] == ["| SimpleConvNet epoch | 1.21x |", "| DeepConvNet | 0.50x |"]
    assert "above 1 where scratchnet is faster" in lines[lines.index("| work | PyTorch / scratchnet |") - 2]
    assert "| work" not in render.readme_table(RESULTS)  # no peers measured: no table


def test_the_peers_table_has_a_column_per_peer_and_names_a_work_a_peer_did_not_run():
    rows = [{**_row("SimpleConvNet epoch", 1.11), "peer": "PyTorch"},
            {**_row("SimpleConvNet epoch", 2.44), "peer": "JAX"}, {**_row("loss plane", 0.94), "peer": "JAX"}]
    table = render.peers_table(_result(rows, met=False)).splitlines()
    assert table[0].startswith("Against PyTorch and JAX (`bench_peers`, 2026-12-05;")
    assert table[2:] == ["| work | PyTorch / scratchnet | JAX / scratchnet |", "| --- | --- | --- |",
                         "| SimpleConvNet epoch | 1.11x | 2.44x |", "| loss plane | not run | 0.94x |"]


def test_the_performance_page_names_the_machine_the_target_and_every_row():
    page = render.performance_tables(RESULTS)
    section = page.split("### `benchmarks/bench_landscape.py`")[1].split("###")[0]
    assert "Target: at least 2x (**met**)" in section
    assert "2026-12-05: 2 cores, load 0.25; openblas 0.3 (2 threads); Python 3.12.1, numpy 2.1.0" in section
    assert [line.split(" | ")[1] for line in section.splitlines() if line.startswith("| ") and "---" not in line][1:] \
        == ["646x", "649x", "12.3x", "1.70x"]
    assert "(**missed**)" in page.split("### `benchmarks/bench_trainer.py`")[1]


def test_only_the_block_between_the_markers_is_replaced_and_markers_are_required():
    text = f"# Title\n\nbefore\n{render.START}\nan old table\n{render.END}\nafter\n"
    updated = render.with_readme_table(text, RESULTS)
    assert updated.startswith("# Title\n\nbefore\n" + render.START + "\n| benchmark |")
    assert updated.endswith(render.END + "\nafter\n") and "an old table" not in updated
    assert render.with_readme_table(updated, RESULTS) == updated  # rendering twice changes nothing
    with pytest.raises(ValueError, match="markers"):
        render.with_readme_table("# Title\nno markers here\n", RESULTS)


def test_the_readme_shows_the_table_rendered_from_the_committed_results():
    # Every number in the README's table is what the latest `make bench` measured: render it again and compare.
    assert render.RESULTS.exists(), "benchmarks/results.json is missing: run `make bench` and commit it"
    readme = render.README.read_text(encoding="utf-8")
    assert readme == render.with_readme_table(readme, render.load()), (
        "README.md's benchmark table is not what benchmarks/results.json renders: run `python benchmarks/render.py`")


def test_main_rewrites_the_readme_atomically_keeping_its_permissions(tmp_path, monkeypatch):
    readme, results = tmp_path / "README.md", tmp_path / "results.json"
    readme.write_text(f"x\n{render.START}\n{render.END}\n", encoding="utf-8")
    readme.chmod(0o640)
    results.write_text(json.dumps(RESULTS), encoding="utf-8")
    monkeypatch.setattr(render, "README", readme)
    monkeypatch.setattr(render, "RESULTS", results)
    monkeypatch.setattr(render, "load", lambda path=results: json.loads(Path(path).read_text(encoding="utf-8")))
    assert render.main() == 0
    assert "| `bench_trainer`: an epoch | 0.93x |" in readme.read_text(encoding="utf-8")
    assert readme.stat().st_mode & 0o777 == 0o640
    assert sorted(path.name for path in tmp_path.iterdir()) == ["README.md", "results.json"]  # no part file left
