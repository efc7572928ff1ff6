"""The package's modules import one another one way: no import circles, counting imports inside
functions (a lazy import only hides a circle) and under TYPE_CHECKING."""

import ast
import textwrap
from pathlib import Path

import validator

PACKAGE = Path(validator.__file__).parent


def module_name(path: Path, root: Path) -> str:
    parts = path.relative_to(root.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_between(root: Path) -> dict[str, set[str]]:
    """Module name -> the modules of the same package it imports anywhere in its source."""
    files = {module_name(p, root): p for p in root.rglob("*.py")}
    graph: dict[str, set[str]] = {}
    for name, path in files.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        targets = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                targets.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    anchor = package.split(".")[:len(package.split(".")) - node.level + 1]
                    base = ".".join(anchor + ([base] if base else []))
                # `from . import x`: x is a submodule if there is one, otherwise a name of the package
                targets.update(f"{base}.{a.name}" if f"{base}.{a.name}" in files else base for a in node.names)
        graph[name] = {t for t in targets if t in files and t != name}
    return graph


def find_circle(graph: dict[str, set[str]]) -> list[str] | None:
    """One circle of the graph as the path that closes it (a -> b -> a), or None."""
    done: set[str] = set()

    def visit(module: str, path: list[str]) -> list[str] | None:
        if module in path:
            return path[path.index(module):] + [module]
        if module in done:
            return None
        for target in sorted(graph[module]):
            circle = visit(target, path + [module])
            if circle:
                return circle
        done.add(module)
        return None

    for module in sorted(graph):
        circle = visit(module, [])
        if circle:
            return circle
    return None


def test_the_package_has_no_import_circle():
    circle = find_circle(imports_between(PACKAGE))
    assert circle is None, "import circle: " + " -> ".join(circle)


def test_a_circle_through_an_import_inside_a_function_is_found(tmp_path):
    package = tmp_path / "pkg"
    (package / "sub").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "sub" / "__init__.py").write_text("")
    (package / "top.py").write_text("from .sub import leaf\n")
    (package / "sub" / "leaf.py").write_text(textwrap.dedent("""
        def late():
            from ..top import something
    """))
    circle = find_circle(imports_between(package))
    assert circle == ["pkg.sub.leaf", "pkg.top", "pkg.sub.leaf"]


def test_absolute_imports_and_names_of_a_package_count_too(tmp_path):
    package = tmp_path / "pkg"
    package.mkdir()
    (package / "__init__.py").write_text("from .api import check\n")
    (package / "api.py").write_text("import pkg.version\nfrom . import __version__\n")
    (package / "version.py").write_text("")
    assert imports_between(package) == {"pkg": {"pkg.api"}, "pkg.api": {"pkg", "pkg.version"}, "pkg.version": set()}
