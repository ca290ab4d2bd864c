"""The direction of dependencies in DESIGN.md, checked in fresh interpreters."""
import pkgutil
import subprocess
import sys

import playground.components


def imported_after(code: str) -> set[str]:
    """Every module name (full dotted names and their top-level packages) loaded by `code`."""
    out = subprocess.run([sys.executable, "-c", code + "\nimport sys; print(' '.join(sys.modules))"],
                         capture_output=True, text=True, timeout=120, check=True).stdout
    names = set(out.split())
    return names | {m.split(".")[0] for m in names}


def test_engine_and_trainer_need_neither_panel_nor_tensorflow():
    mods = imported_after("import playground.dense.engine, playground.dense.trainer, playground.dense.cli, playground.dense.bench")
    assert not mods & {"panel", "bokeh", "tensorflow", "keras"}


def test_frame_builder_and_live_loop_need_no_panel():
    mods = imported_after("import playground.dense.frame, playground.dense.live_loop")
    assert "playground.dense.frame" in mods and not mods & {"panel", "bokeh", "tensorflow", "keras"}


def test_dense_page_and_cli_come_up_without_tensorflow():
    mods = imported_after("import playground.cli; playground.cli.build_parser()\n"
                          "import playground.shell, playground.dense.page\n"
                          "playground.dense.page.DensePage()")
    assert "panel" in mods and not mods & {"tensorflow", "keras"}


def test_components_do_not_train_or_load_keras():
    names = [m.name for m in pkgutil.walk_packages(playground.components.__path__, "playground.components.")
             if not m.ispkg]
    mods = imported_after("".join(f"import {n}\n" for n in names))
    assert names and not mods & {"tensorflow", "keras", "playground.dense.trainer", "playground.dense.engine"}
    assert {f"playground.components.{n}" for n in ("dense.decision_map", "cnn.overview", "canvas_text")} <= set(names)
