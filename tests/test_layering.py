"""The rules of DESIGN.md that keep the house in shape.

What a module pulls in, checked in fresh interpreters; and, read from the source:
no import circles, every import down a floor (or on its own), one escaping helper
and one theme module.
"""
import ast
import pkgutil
import re
import subprocess
import sys
from pathlib import Path

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


# ---------------------------------------------------------------- the import graph, read from the source

ROOT = Path(__file__).resolve().parents[1]
# Where each import package's files live (pyproject.toml's package-dir).
SOURCE_DIRS = {"playground": ROOT / "playground", "playground.components": ROOT / "components",
               "playground.datasets": ROOT / "datasets"}


def project_modules() -> dict[str, Path]:
    """Every module of the project: dotted name → file (a package is its __init__.py)."""
    modules = {}
    for package, folder in SOURCE_DIRS.items():
        for path in folder.rglob("*.py"):
            parts = path.relative_to(folder).with_suffix("").parts
            if parts[-1] == "__init__":
                parts = parts[:-1]
            name = ".".join((package, *parts))
            if package == "playground" and parts and parts[0] in ("components", "datasets"):
                continue   # not there: those install from the top-level folders
            modules[name] = path
    return modules


def imports_of(path: Path, name: str, modules: dict[str, Path]) -> set[str]:
    """The project modules that the file imports, at its top or inside a function (lazy imports count)."""
    is_package = path.name == "__init__.py"
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:   # relative: from the file's own package
                package = name if is_package else name.rpartition(".")[0]
                for _ in range(node.level - 1):
                    package = package.rpartition(".")[0]
                base = f"{package}.{base}" if base else package
            # `from package import module` imports the module; `from module import name`, the module.
            targets = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in modules else base for alias in node.names]
        else:
            continue
        for target in targets:
            while target and target not in modules:
                target = target.rpartition(".")[0]
            if target and target != name:
                found.add(target)
    return found


def import_graph() -> dict[str, set[str]]:
    modules = project_modules()
    return {name: imports_of(path, name, modules) for name, path in modules.items()}


def circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan's algorithm)."""
    index, low, stack, on_stack, found = {}, {}, [], set(), []

    def visit(v):
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def test_the_graph_reader_sees_lazy_imports_and_finds_a_planted_circle():
    graph = import_graph()
    # A lazy import inside a function is an arrow too (the CLI imports a page's pieces only when run).
    assert "playground.cnn.kinds" in graph["playground.cnn.preflight"]
    assert "playground.cnn.kinds.base" in graph["playground.cnn.kinds.conv"]
    assert {"playground.components.cnn.colors", "playground.theme"} <= graph["playground.components.cnn.overview"]
    assert circles({**graph, "playground.theme": {"playground.i18n"}, "playground.i18n": {"playground.theme"}}) \
        == [["playground.i18n", "playground.theme"]]


def test_no_module_imports_itself_back():
    assert circles(import_graph()) == []


# The floors of DESIGN.md, from the ground up: a module imports its own floor or lower ones only.
# i18n and theme are leaves; components and datasets draw and load data; serve is what sessions
# share (with the classroom's store, roster and results, which it publishes progress to); the
# page base class and the shell's header; the pages and the teacher's wall; the app and the CLI on top.
FLOORS = [
    ("playground.i18n", "playground.theme"),
    ("playground.components", "playground.datasets"),
    ("playground.serve", "playground.classroom.store", "playground.classroom.roster", "playground.classroom.results"),
    ("playground.page", "playground.shell"),     # the shell loads the pages by name, never imports one
    ("playground.dense", "playground.cnn", "playground.classroom"),
    ("playground.app", "playground.cli"),
]
# Rooms of one floor that never import each other (what they share goes down a floor).
APART = [("playground.dense", "playground.cnn"), ("playground.classroom", "playground.dense"),
         ("playground.classroom", "playground.cnn")]


def _place(module: str) -> tuple[int, str]:
    """(floor, room) of a module: the longest prefix listed in FLOORS."""
    best = None
    for floor, rooms in enumerate(FLOORS):
        for room in rooms:
            if (module == room or module.startswith(room + ".")) and (best is None or len(room) > len(best[1])):
                best = (floor, room)
    assert best is not None, f"{module} has no floor in tests/test_layering.py's FLOORS"
    return best


def layering_problems(graph: dict[str, set[str]]) -> list[str]:
    problems = []
    for module, targets in sorted(graph.items()):
        if module == "playground":
            continue
        floor, room = _place(module)
        for target in sorted(targets):
            if target == "playground":
                continue
            their_floor, their_room = _place(target)
            if their_floor > floor:
                problems.append(f"{module} imports {target}, on a higher floor")
            elif {room, their_room} in [set(pair) for pair in APART]:
                problems.append(f"{module} imports {target}: {room} and {their_room} never import each other")
    return problems


def test_every_import_goes_down_or_stays_on_its_floor():
    graph = import_graph()
    assert layering_problems(graph) == []
    # The check fails on a planted upward import, and on dense and cnn importing each other.
    planted = {**graph, "playground.components.safe_text": {"playground.cnn.page"},
               "playground.dense.settings": graph["playground.dense.settings"] | {"playground.cnn.kinds"},
               "playground.shell": graph["playground.shell"] | {"playground.cnn.warmup"}}
    assert layering_problems(planted) == [
        "playground.components.safe_text imports playground.cnn.page, on a higher floor",
        "playground.dense.settings imports playground.cnn.kinds: playground.dense and playground.cnn never "
        "import each other",
        "playground.shell imports playground.cnn.warmup, on a higher floor"]


# ---------------------------------------------------------------- one escaping helper, one theme module

ESCAPER = "playground.components.safe_text"
THEMES = {"playground.theme", "playground.components.palettes"}   # every colour and CSS rule lives here
# Modules whose colours and CSS have not moved to playground/theme.py yet (round 3 moved the CNN
# half's and the shell's). The list only shrinks: a module here that no longer needs it fails.
NOT_MOVED_YET = {
    "playground.classroom.wall", "playground.components.classroom.wall_tile",
    "playground.components.dense.callouts", "playground.components.dense.dataset_picker",
    "playground.components.dense.decision_map", "playground.components.dense.explanations",
    "playground.components.dense.gradient_chart", "playground.components.dense.keras_files",
    "playground.components.dense.loss_chart", "playground.components.dense.metrics_panel",
    "playground.components.dense.network_diagram", "playground.components.dense.share_dialog",
    "playground.components.qr_code", "playground.dense.controls", "playground.dense.data_import",
    "playground.dense.help_texts", "playground.dense.lesson_panel", "playground.dense.page",
    "playground.dense.teaching",
}
COLOUR = re.compile(r"#[0-9a-fA-F]{3}(?:[0-9a-fA-F]{3}(?:[0-9a-fA-F]{2})?)?\b|\brgba?\(")
# A style sheet's rule: Panel's `:host` selector, or a `{ property: value; }` block.
CSS_RULE = re.compile(r":host\b|\{[^{}]*\b[a-z-]+\s*:\s*[^;{}:]+;[^{}]*\}")


def escaping_outside_the_helper(name: str, source: str) -> list[str]:
    """Where `source` escapes HTML itself: html/markupsafe imports, or replacing "<", ">" or "&" by hand."""
    found = []
    for node in ast.walk(ast.parse(source)):
        modules = ([alias.name for alias in node.names] if isinstance(node, ast.Import)
                   else [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
        for module in modules:
            if module.split(".")[0] in ("html", "markupsafe") or module == "xml.sax.saxutils":
                found.append(f"{name}:{node.lineno} imports {module}")
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "replace"
                and node.args and isinstance(node.args[0], ast.Constant) and node.args[0].value in ("<", ">", "&")):
            found.append(f"{name}:{node.lineno} replaces {node.args[0].value!r} by hand")
    return found


def styling_outside_the_theme(name: str, source: str) -> list[str]:
    """Colour literals and CSS rules in `source`'s strings (docstrings and comments aside)."""
    tree = ast.parse(source)
    docstrings = {id(node.body[0].value) for node in ast.walk(tree)
                  if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))
                  and node.body and isinstance(node.body[0], ast.Expr)}
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings:
            for what, pattern in (("a colour", COLOUR), ("a CSS rule", CSS_RULE)):
                match = pattern.search(node.value)
                if match:
                    found.append(f"{name}:{node.lineno} has {what}: {match.group(0)[:40]!r}")
    return found


def _sources() -> dict[str, str]:
    return {name: path.read_text(encoding="utf-8") for name, path in project_modules().items()}


def test_html_is_escaped_by_the_one_helper_only():
    sources = _sources()
    assert escaping_outside_the_helper(ESCAPER, sources[ESCAPER])   # the helper itself is seen
    assert [p for name, text in sources.items() if name != ESCAPER
            for p in escaping_outside_the_helper(name, text)] == []
    planted = 'from html import escape\nimport markupsafe\ndef f(s):\n    return s.replace("<", "&lt;")\n'
    assert escaping_outside_the_helper("planted", planted) == [
        "planted:1 imports html", "planted:2 imports markupsafe", "planted:4 replaces '<' by hand"]


def test_colours_and_css_live_in_the_theme_module():
    sources = _sources()
    problems = [p for name, text in sources.items() if name not in THEMES | NOT_MOVED_YET
                for p in styling_outside_the_theme(name, text)]
    assert problems == []
    assert styling_outside_the_theme("playground.theme", sources["playground.theme"])   # the checker sees them
    moved = [name for name in NOT_MOVED_YET if name in sources and not styling_outside_the_theme(name, sources[name])]
    assert moved == [], "these modules have moved their styling: take them off NOT_MOVED_YET"
    planted = ('"""A docstring may say #fff."""\nCSS = ":host { color: red; }"\nINK = "#1f2328"\n'
               'LINK = f"<a style=\'color: rgb(0, 0, 0)\'>{x}</a>"\nJS = "if (a) { b(); }"\n')
    assert styling_outside_the_theme("planted", planted) == [
        "planted:2 has a CSS rule: ':host'", "planted:3 has a colour: '#1f2328'", "planted:4 has a colour: 'rgb('"]
