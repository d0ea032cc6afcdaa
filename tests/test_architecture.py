"""The architecture holds (docs/architecture.md).

- the import contracts of .importlinter are kept, and breaking a layer or the independence of
  the domain apps makes `lint-imports` fail;
- no import cycle between the project's modules, counting imports inside functions;
- an import of a project module inside a function is a rare exception with its reason.
"""

import ast
import configparser
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CONTRACTS = ROOT / ".importlinter"
LINT_IMPORTS = str(Path(sys.executable).with_name("lint-imports"))
# Imports of project modules inside a function: each has its reason, and they stay few.
MAX_FUNCTION_LEVEL_IMPORTS = 8


def _root_packages() -> list[str]:
    config = configparser.ConfigParser()
    config.read(CONTRACTS)
    return config["importlinter"]["root_packages"].split()


def _lint_imports(cwd: Path, *contracts: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env["COLUMNS"] = "300"  # one line per contract name and per import in the report
    args = [f"--contract={c}" for c in contracts]
    return subprocess.run(
        [LINT_IMPORTS, "--no-cache", "--no-logo", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_lint_imports_keeps_every_contract():
    result = _lint_imports(ROOT)

    assert result.returncode == 0, result.stdout + result.stderr


def _copy_project(target: Path) -> None:
    """The project's packages (their .py files only) and the contracts, for lint-imports."""
    for package in _root_packages():
        for source in (ROOT / package).rglob("*.py"):
            destination = target / source.relative_to(ROOT)
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, destination)
    shutil.copyfile(CONTRACTS, target / CONTRACTS.name)


def _append(path: Path, line: str) -> None:
    with path.open("a") as file:
        file.write(f"\n{line}\n")


def test_lint_imports_refuses_the_root_importing_the_lifecycle(tmp_path):
    _copy_project(tmp_path)
    _append(tmp_path / "projects" / "models.py", "from lifecycle import transitions  # noqa")

    result = _lint_imports(tmp_path, "layers")

    assert result.returncode != 0
    assert "BROKEN" in result.stdout
    assert "Layers: demo > lifecycle" in result.stdout
    assert "projects.models -> lifecycle.transitions" in result.stdout


def test_lint_imports_refuses_a_domain_app_importing_another(tmp_path):
    _copy_project(tmp_path)
    _append(tmp_path / "diagnostics" / "models.py", "import governance.models  # noqa")

    result = _lint_imports(tmp_path, "domain-independence")

    assert result.returncode != 0
    assert "Domain apps are independent" in result.stdout
    assert "diagnostics is not allowed to import governance" in result.stdout
    assert "diagnostics.models -> governance.models" in result.stdout


# --- The import graph, read with ast --------------------------------------------------------


def _project_modules() -> dict[str, Path]:
    """Every module of the project's packages but migrations: {dotted name: path}."""
    modules = {}
    for package in _root_packages():
        for path in sorted((ROOT / package).rglob("*.py")):
            parts = path.relative_to(ROOT).with_suffix("").parts
            if "migrations" in parts:
                continue
            if parts[-1] == "__init__":
                parts = parts[:-1]
            modules[".".join(parts)] = path
    return modules


def _parents(tree: ast.AST) -> dict[ast.AST, ast.AST]:
    return {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}


def _in_function(node: ast.AST, parents: dict) -> bool:
    while node in parents:
        node = parents[node]
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
            return True
    return False


def _imported(node: ast.AST, module: str, is_package: bool, modules: dict) -> set[str]:
    """The project modules an import statement imports (the deepest existing module of each
    dotted name; `from package import name` imports `package.name` when it is a module)."""

    def existing(name: str) -> str | None:
        while name and name not in modules:
            name = name.rpartition(".")[0]
        return name or None

    targets = set()
    if isinstance(node, ast.Import):
        targets = {existing(alias.name) for alias in node.names}
    elif isinstance(node, ast.ImportFrom):
        base = node.module or ""
        if node.level:
            package = module if is_package else module.rpartition(".")[0]
            for _ in range(node.level - 1):
                package = package.rpartition(".")[0]
            base = f"{package}.{base}" if base else package
        for alias in node.names:
            targets.add(
                f"{base}.{alias.name}" if f"{base}.{alias.name}" in modules else existing(base)
            )
    return {t for t in targets if t and t != module}


def _imports() -> list[tuple[str, str, ast.AST, bool, Path]]:
    """(importer, imported, statement, inside a function, path) for every import of a project
    module by a project module, at any level."""
    modules = _project_modules()
    found = []
    for module, path in modules.items():
        tree = ast.parse(path.read_text(), filename=str(path))
        parents = _parents(tree)
        is_package = path.name == "__init__.py"
        for node in ast.walk(tree):
            if isinstance(node, ast.Import | ast.ImportFrom):
                for imported in _imported(node, module, is_package, modules):
                    found.append((module, imported, node, _in_function(node, parents), path))
    return found


def _strongly_connected(graph: dict[str, set[str]]) -> list[list[str]]:
    """Tarjan's strongly connected components, iterative (no recursion limit)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    components = []
    for start in sorted(graph):
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                components.append(sorted(component))
    return components


def test_strongly_connected_finds_a_cycle_and_nothing_else():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}, "e": set()}

    components = _strongly_connected(graph)

    assert sorted(components) == [["a", "b", "c"], ["d"], ["e"]]


def test_no_import_cycle_between_project_modules():
    graph: dict[str, set[str]] = {module: set() for module in _project_modules()}
    lines: dict[tuple[str, str], list[str]] = {}
    for importer, imported, node, in_function, path in _imports():
        graph[importer].add(imported)
        where = f"{path.relative_to(ROOT)}:{node.lineno}" + (" (in a function)" * in_function)
        lines.setdefault((importer, imported), []).append(where)

    cycles = [c for c in _strongly_connected(graph) if len(c) > 1]

    report = []
    for cycle in cycles:
        report.append("cycle: " + ", ".join(cycle))
        members = set(cycle)
        for importer in cycle:
            for imported in sorted(graph[importer] & members):
                report.append(f"  {importer} -> {imported}: {', '.join(lines[importer, imported])}")
    assert not cycles, "\n".join(report)


def _reason(source_lines: list[str], lineno: int) -> str | None:
    """The comment giving the reason of the statement at `lineno`: on its line, or alone on
    the line just above. Lint pragmas (noqa, type: ignore) are no reason."""
    line = source_lines[lineno - 1]
    candidates = []
    if "# " in line:
        candidates.append(line[line.index("# ") :])
    if lineno >= 2:
        candidates.append(source_lines[lineno - 2].strip())
    for comment in candidates:
        text = comment.removeprefix("# ").strip()
        if comment.startswith("# ") and text and not text.startswith(("noqa", "type:")):
            return text
    return None


def _function_level_imports() -> list[tuple[str, str | None]]:
    """(path:line statement, its reason) for each import of a project module in a function."""
    found = {}
    for _importer, _imported, node, in_function, path in _imports():
        if not in_function:
            continue
        source_lines = path.read_text().splitlines()
        where = f"{path.relative_to(ROOT)}:{node.lineno} {source_lines[node.lineno - 1].strip()}"
        found[where] = _reason(source_lines, node.lineno)
    return sorted(found.items())


def test_function_level_imports_of_project_modules_give_their_reason():
    imports = _function_level_imports()

    unexplained = [where for where, reason in imports if reason is None]
    assert not unexplained, "imports inside a function without a reason:\n" + "\n".join(unexplained)


def test_function_level_imports_of_project_modules_stay_few():
    imports = _function_level_imports()

    assert len(imports) <= MAX_FUNCTION_LEVEL_IMPORTS, "\n".join(
        f"{where}  # {reason}" for where, reason in imports
    )
