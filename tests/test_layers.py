"""The layering rule, read from the source (docs/architecture.md draws it).

Apps, bottom to top: ``sources`` (the foundation) → ``conflicts`` → ``people`` → ``events`` → the
reader's pages (``reader``) and the importer (``importer``). A module may import its own app and the
apps below it; ``config`` wires everything; ``admin`` modules may compose any of the data apps.
The parsers and the name resolver are pure Python: they import no Django and no app. No module
imports a template-tag module, calls ``apps.get_model`` or hides an import of a project module in a
function, and project modules import each other without a circle.
"""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

BELOW = {
    "sources": set(),
    "conflicts": {"sources"},
    "people": {"sources", "conflicts"},
    "events": {"sources", "conflicts", "people"},
    "reader": {"sources", "conflicts", "people", "events"},
    "importer": {"sources", "conflicts", "people", "events"},
}
APPS = set(BELOW)
DATA_APPS = {"sources", "conflicts", "people", "events"}
PROJECT = APPS | {"config"}
PURE = ("sources/parsing/", "sources/resolve.py", "sources/classify.py", "sources/slugs.py")


def project_modules() -> dict[str, Path]:
    modules = {}
    for top in sorted(PROJECT):
        for path in (ROOT / top).rglob("*.py"):
            rel = path.relative_to(ROOT)
            if "migrations" in rel.parts:
                continue
            parts = list(rel.with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            modules[".".join(parts)] = path
    return modules


MODULES = project_modules()


def imports_of(module: str, path: Path) -> list[tuple[str, int, bool]]:
    """(imported module, line, at module level) for every import statement in the file."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found = []

    def visit(node, top_level: bool):
        for child in ast.iter_child_nodes(node):
            inner = top_level and not isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda)
            if isinstance(child, ast.Import):
                found.extend([(alias.name, child.lineno, top_level) for alias in child.names])
            elif isinstance(child, ast.ImportFrom):
                base = child.module or ""
                if child.level:
                    anchor = package.split(".")
                    anchor = anchor[:len(anchor) - (child.level - 1)]
                    base = ".".join(anchor + ([base] if base else []))
                names = [f"{base}.{a.name}" for a in child.names]
                # "from pkg import module" names the module itself where it is one
                found.extend((n if n in MODULES else base, child.lineno, top_level) for n in names)
            visit(child, inner)

    visit(tree, True)
    return found


def relative(path: Path) -> str:
    return str(path.relative_to(ROOT))


ALL_IMPORTS = {module: imports_of(module, path) for module, path in MODULES.items()}


def test_imports_follow_the_layers():
    wrong = []
    for module, imports in ALL_IMPORTS.items():
        app = module.split(".")[0]
        if app == "config":
            continue
        is_admin = module.split(".")[-1] == "admin"
        allowed = {app} | BELOW[app] | (DATA_APPS if is_admin else set())
        for name, line, _ in imports:
            target = name.split(".")[0]
            if target in PROJECT and target not in allowed:
                wrong.append(f"{relative(MODULES[module])}:{line} imports {name}")
    assert list(dict.fromkeys(wrong)) == []


def test_pure_python_modules_import_no_django_and_no_app():
    wrong = []
    for module, imports in ALL_IMPORTS.items():
        if not relative(MODULES[module]).startswith(PURE):
            continue
        for name, line, _ in imports:
            target = name.split(".")[0]
            own = name.startswith(("sources.parsing", "sources.resolve", "sources.classify"))   # pure too
            if target == "django" or (target in PROJECT and not own):
                wrong.append(f"{relative(MODULES[module])}:{line} imports {name}")
    assert list(dict.fromkeys(wrong)) == []


def test_no_module_imports_a_template_tag_module():
    wrong = [f"{relative(MODULES[m])}:{line} imports {name}" for m, imports in ALL_IMPORTS.items()
             for name, line, _ in imports if ".templatetags" in name]
    assert list(dict.fromkeys(wrong)) == []


def test_no_hidden_imports():
    """No ``apps.get_model`` and no project import inside a function: every dependency is visible."""
    wrong = [f"{relative(MODULES[m])}:{line} imports {name} inside a function"
             for m, imports in ALL_IMPORTS.items() for name, line, top in imports
             if not top and name.split(".")[0] in PROJECT]
    for path in MODULES.values():
        for number, text in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if "get_model(" in text:
                wrong.append(f"{relative(path)}:{number} calls get_model")
    assert list(dict.fromkeys(wrong)) == []


def test_no_import_circle():
    graph = {m: {name for name, _, top in imports if top and name in MODULES and name != m}
             for m, imports in ALL_IMPORTS.items()}
    # a package's __init__ importing its own submodules is how packages are built, not a circle
    for m in graph:
        graph[m] = {n for n in graph[m] if not m.startswith(n + ".")}
    index, low, stack, on_stack, circles, counter = {}, {}, [], set(), [], [0]

    def strongconnect(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on_stack.add(v)
        for w in graph[v]:
            if w not in index:
                strongconnect(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = set()
            while True:
                w = stack.pop()
                on_stack.discard(w)
                group.add(w)
                if w == v:
                    break
            if len(group) > 1:
                circles.append(sorted(group))

    for v in sorted(graph):
        if v not in index:
            strongconnect(v)
    assert circles == []


@pytest.mark.parametrize("source, expected", [
    ("from conflicts.models import Conflict\n", [("conflicts.models", 1, True)]),
    ("def f():\n    from events import models\n", [("events.models", 2, False)]),
])
def test_the_import_reader_itself(source, expected, tmp_path):
    path = tmp_path / "probe.py"
    path.write_text(source)
    assert imports_of("people.probe", path) == expected
