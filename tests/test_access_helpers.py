"""Every lookup of a project's object goes through the scoped access helpers.

The check reads the source of every module that holds a view (found through the URL resolver)
with `ast`. In a view, a query on a model that belongs to a project or an organisation (it
reaches `Project` or `Organisation` through its foreign keys) must be either

- made from an object obtained through the access helpers (`project.fiches.get(...)`,
  `budget.lines`, `deposit.avis`, `access.projects_for_user(user).filter(...)`), or
- constrained by a relation to such an object (`Member.objects.filter(project=project)`,
  `get_object_or_404(Document, project=project, pk=pk)`, `fiche_id=fiche.pk`).

An object is "obtained through the helpers" when it comes from a call to a public function of
an `access.py` module (`get_project_for_user`, `get_review_for_user`, `get_fiche_for_user`,
`get_organisation_for_user`, `projects_for_user`…), from a helper of the views' module that
calls one of them, from a lookup that passes the check, or from any expression built from such
objects. `Project.objects.get(slug=slug)` or `Fiche.objects.get(number=number)` in a view fail.

Helper functions of a views module (not views themselves) receive their objects from the views:
their parameters, but `request`, count as obtained through the helpers; what they look up is
checked the same way.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import textwrap
from functools import cache
from pathlib import Path

import pytest
from django.apps import apps
from django.db import models
from django.urls import URLPattern, URLResolver, get_resolver

ROOT = Path(__file__).resolve().parent.parent
ACCESS_MODULES = [
    "projects.access",
    "accounts.access",
    "diagnostics.access",
    "missions.access",
    "governance.access",
    "funding.access",
    "examples.access",
]
MANAGERS = {"objects", "history", "_default_manager", "_base_manager"}
LOOKUP_SHORTCUTS = {"get_object_or_404", "get_list_or_404"}
# Lookups that are scoped otherwise, each with its reason.
EXEMPT = {
    # The secret token of the iCalendar feed is the credential; the feed then reads the
    # project through get_project_for_user with the feed's owner.
    ("lifecycle.dashboard_views", "calendar_feed"),
}


# --- Which models belong to a project or an organisation --------------------------------------


@cache
def owned_models() -> frozenset:
    from accounts.models import Organisation
    from projects.models import Project

    roots = {Project, Organisation}

    def reaches_root(model, depth=0) -> bool:
        if model in roots:
            return True
        if depth > 4:
            return False
        return any(
            isinstance(f, models.ForeignKey)
            and f.related_model is not model
            and reaches_root(f.related_model, depth + 1)
            for f in model._meta.fields
        )

    return frozenset(m for m in apps.get_models() if reaches_root(m))


def _relation_key(model, key: str) -> bool:
    """Whether a lookup keyword constrains `model` through a relation or its primary key."""
    first = key.split("__")[0]
    if first in ("pk", "id") or first == model._meta.pk.name:
        return True  # the primary key(s) of objects obtained through the helpers
    for name in (first, first.removesuffix("_id")):
        try:
            return model._meta.get_field(name).is_relation
        except Exception:  # noqa: BLE001, S112 - FieldDoesNotExist: try the next spelling
            continue
    return False


# --- Reading a module ----------------------------------------------------------------------


def _models_imported(tree: ast.Module, app_label: str) -> dict:
    """Local name -> model, for the names imported from a models module."""
    names = {}
    for node in ast.walk(tree):
        if not isinstance(node, ast.ImportFrom) or not (node.module or "").endswith("models"):
            continue
        label = app_label if node.level else node.module.split(".")[0]
        for alias in node.names:
            try:
                names[alias.asname or alias.name] = apps.get_model(label, alias.name)
            except (LookupError, ValueError):
                continue
    return names


def _call_name(node: ast.Call) -> str:
    func = node.func
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return ""


def _access_helpers() -> set[str]:
    names = set()
    for module_name in ACCESS_MODULES:
        module = importlib.import_module(module_name)
        for name, value in inspect.getmembers(module, inspect.isfunction):
            if value.__module__ == module_name and not name.startswith("_"):
                names.add(name)
    return names


class ModuleChecker:
    def __init__(self, source: str, *, app_label: str, views: set[str]):
        self.tree = ast.parse(source)
        self.models = _models_imported(self.tree, app_label)
        self.views = views
        self.functions = {
            node.name: node
            for node in self.tree.body
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        }
        self.scoping = self._scoping_helpers()

    def _scoping_helpers(self) -> set[str]:
        """The access helpers, and the module's functions that call one (to a fixed point)."""
        scoping = _access_helpers()
        changed = True
        while changed:
            changed = False
            for name, node in self.functions.items():
                if name in scoping or name in self.views:
                    continue
                calls = {_call_name(c) for c in ast.walk(node) if isinstance(c, ast.Call)}
                if calls & scoping:
                    scoping.add(name)
                    changed = True
        return scoping

    # The functions to check: top-level ones and the methods of classes.
    def _checked_functions(self):
        for node in self.tree.body:
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                yield node.name, node, node.name in self.views
            elif isinstance(node, ast.ClassDef):
                for item in node.body:
                    if isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef):
                        yield f"{node.name}.{item.name}", item, node.name in self.views

    def violations(self) -> list[tuple[str, int, str]]:
        found = []
        for name, node, is_view in self._checked_functions():
            found.extend(FunctionChecker(self, node, is_view=is_view).violations(name))
        return found


class FunctionChecker:
    def __init__(self, module: ModuleChecker, node, *, is_view: bool):
        self.module, self.node = module, node
        arguments = [a.arg for a in [*node.args.posonlyargs, *node.args.args]]
        arguments += [a.arg for a in node.args.kwonlyargs]
        # A helper's objects come from the views that call it; a view's arguments come from
        # the URL: never trusted.
        self.parameters = set(arguments)
        self.scoped = set() if is_view else {a for a in arguments if a not in ("request", "self")}
        self._grow()

    # --- What is scoped ---

    def _targets(self, node) -> list[str]:
        if isinstance(node, ast.Name):
            return [node.id]
        if isinstance(node, ast.Tuple | ast.List):
            return [name for element in node.elts for name in self._targets(element)]
        if isinstance(node, ast.Starred):
            return self._targets(node.value)
        return []

    def _bindings(self):
        for node in ast.walk(self.node):
            if isinstance(node, ast.Assign):
                for target in node.targets:
                    yield target, node.value
            elif isinstance(node, ast.AnnAssign | ast.NamedExpr) and node.value is not None:
                yield node.target, node.value
            elif isinstance(node, ast.For | ast.comprehension):
                yield node.target, node.iter
            elif isinstance(node, ast.withitem) and node.optional_vars is not None:
                yield node.optional_vars, node.context_expr

    def _grow(self):
        changed = True
        while changed:
            changed = False
            for target, value in self._bindings():
                if self.is_scoped(value):
                    for name in self._targets(target):
                        if name not in self.scoped:
                            self.scoped.add(name)
                            changed = True

    def is_scoped(self, node) -> bool:
        if isinstance(node, ast.Name):
            return node.id in self.scoped
        if isinstance(node, ast.Attribute | ast.Subscript | ast.Starred):
            return self.is_scoped(node.value)
        if isinstance(node, ast.Call):
            if _call_name(node) in self.module.scoping:
                return True
            if _call_name(node) == "OuterRef":  # a subquery, as scoped as its outer query
                return True
            lookup = self.lookup(node)
            if lookup is not None:
                return lookup[1]
            if isinstance(node.func, ast.Attribute) and self.is_scoped(node.func.value):
                return True
            values = [*node.args, *(k.value for k in node.keywords)]
            return any(self.is_scoped(value) for value in values)
        if isinstance(node, ast.BoolOp):
            return any(self.is_scoped(value) for value in node.values)
        if isinstance(node, ast.IfExp):
            return self.is_scoped(node.body) or self.is_scoped(node.orelse)
        if isinstance(node, ast.Tuple | ast.List):
            return any(self.is_scoped(element) for element in node.elts)
        if isinstance(node, ast.ListComp | ast.SetComp | ast.GeneratorExp | ast.DictComp):
            return any(self.is_scoped(generator.iter) for generator in node.generators)
        return False

    # --- Lookups ---

    def _model_of(self, node):
        """The model of `Model`, `Model.m2m.through` (None when not a model)."""
        if isinstance(node, ast.Name):
            return self.module.models.get(node.id)
        if isinstance(node, ast.Attribute) and node.attr == "through":
            inner = node.value
            if isinstance(inner, ast.Attribute):
                model = self._model_of(inner.value)
                if model is not None:
                    try:
                        return model._meta.get_field(inner.attr).remote_field.through
                    except Exception:  # noqa: BLE001 - not a many-to-many field
                        return None
        return None

    def _chain(self, node):
        """The calls of a query chain, outermost first, and the expression at its root."""
        calls = []
        while True:
            if isinstance(node, ast.Call):
                calls.append(node)
                node = node.func
            elif isinstance(node, ast.Attribute):
                if node.attr in MANAGERS:
                    return calls, node
                node = node.value
            else:
                return calls, node

    def lookup(self, call: ast.Call):
        """(model, scoped) when `call` queries a model owned by a project; None otherwise."""
        keywords = []
        if _call_name(call) in LOOKUP_SHORTCUTS and isinstance(call.func, ast.Name):
            if not call.args:
                return None
            keywords += call.keywords
            base = call.args[0]
            model = self._model_of(base)
            if model is None:
                calls, root = self._chain(base)
                if not isinstance(root, ast.Attribute) or root.attr not in MANAGERS:
                    return None  # a related manager (`budget.lines`): scoped as its object is
                model = self._model_of(root.value)
            else:
                calls = []
        else:
            calls, root = self._chain(call)
            if not isinstance(root, ast.Attribute) or root.attr not in MANAGERS:
                return None
            model = self._model_of(root.value)
        if model is None or model not in owned_models():
            return None
        for inner in calls:
            keywords += inner.keywords
            for argument in inner.args:  # Q(project=project)
                for sub in ast.walk(argument):
                    if isinstance(sub, ast.Call):
                        keywords += sub.keywords
        scoped = any(k.arg and self._constrains(model, k.arg, k.value) for k in keywords)
        return model, scoped

    def _constrains(self, model, key: str, value) -> bool:
        if not _relation_key(model, key) or not self.is_scoped(value):
            return False
        # A bare parameter of a helper may be a raw identifier from the URL: a primary key
        # counts when it is read from an object (`fiche.pk`) or derived in the function.
        first = key.split("__")[0]
        if first in ("pk", "id", model._meta.pk.name):
            return not (isinstance(value, ast.Name) and value.id in self.parameters)
        return True

    def violations(self, function_name: str) -> list[tuple[str, int, str]]:
        found, seen = [], set()
        for node in ast.walk(self.node):
            if not isinstance(node, ast.Call) or id(node) in seen:
                continue
            lookup = self.lookup(node)
            if lookup is None:
                continue
            # The inner calls of this chain are the same lookup.
            for inner in ast.walk(node):
                seen.add(id(inner))
            model, scoped = lookup
            if not scoped:
                found.append((function_name, node.lineno, ast.unparse(node)[:120]))
        return found


# --- The views of the portal ---------------------------------------------------------------


def _callbacks(resolver=None):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            if entry.namespace != "admin":
                yield from _callbacks(entry)
        elif isinstance(entry, URLPattern):
            yield entry.callback


def view_modules() -> dict[str, set[str]]:
    """Module name -> names of its views (functions and view classes), from the URL resolver."""
    modules: dict[str, set[str]] = {}
    for callback in _callbacks():
        view = getattr(callback, "view_class", None) or inspect.unwrap(callback)
        module = view.__module__
        if module.split(".")[0] in {c.label for c in apps.get_app_configs()} and (
            not module.startswith("django.")
        ):
            modules.setdefault(module, set()).add(view.__name__)
    return modules


def check_module(module_name: str, views: set[str]) -> list[tuple[str, int, str]]:
    path = ROOT / (module_name.replace(".", "/") + ".py")
    checker = ModuleChecker(path.read_text(), app_label=module_name.split(".")[0], views=set(views))
    return [v for v in checker.violations() if (module_name, v[0]) not in EXEMPT]


VIEW_MODULES = view_modules()


def test_the_views_of_every_app_are_checked():
    apps_with_views = {module.split(".")[0] for module in VIEW_MODULES}

    assert {"accounts", "lifecycle", "diagnostics", "missions", "governance", "funding"} <= (
        apps_with_views
    )
    assert {"lifecycle.views", "lifecycle.transition_views", "accounts.team_views"} <= set(
        VIEW_MODULES
    )


@pytest.mark.parametrize("module_name", sorted(VIEW_MODULES))
def test_views_look_up_project_objects_through_the_access_helpers(module_name):
    violations = check_module(module_name, VIEW_MODULES[module_name])

    assert not violations, "\n".join(
        f"{module_name}.{function} line {line}: {code}" for function, line, code in violations
    )


# --- The checker itself --------------------------------------------------------------------

SNIPPET = textwrap.dedent(
    """
    from django.shortcuts import get_object_or_404
    from projects.access import get_project_for_user
    from projects.models import Deposit, Document, Project
    from missions.models import Fiche
    from geo.models import Commune


    def _scoped_document(project, number):
        return get_object_or_404(Document, project=project, pk=number)


    def _unscoped_document(number):
        return Document.objects.get(pk=number)


    def good(request, slug, number):
        project = get_project_for_user(request.user, slug)
        fiche = project.fiches.get(number=number)
        same = Fiche.objects.filter(project=project).select_related("pilot").get(number=number)
        by_id = get_object_or_404(Fiche.objects.select_related("pilot"), project_id=project.pk)
        deposits = Deposit.objects.filter(project__in=[project])
        document = _scoped_document(project, number)
        for item in project.fiches.all():
            Fiche.objects.filter(pk=item.pk, project=project).exists()
        communes = Commune.objects.filter(code=number)  # not a project's data
        return fiche, same, by_id, deposits, document, communes


    def bad(request, slug, number):
        project = get_project_for_user(request.user, slug)
        fiche = Fiche.objects.get(number=number)
        other = get_object_or_404(Fiche, pk=number)
        raw = Project.objects.get(slug=slug)
        by_slug = Fiche.objects.filter(project__slug=slug).first()
        wrong = Fiche.objects.filter(project=raw).first()
        return project, fiche, other, by_slug, wrong
    """
)


def test_the_checker_flags_lookups_that_bypass_the_helpers():
    checker = ModuleChecker(SNIPPET, app_label="missions", views={"good", "bad"})

    found = [(function, code.split("(")[0]) for function, _, code in checker.violations()]

    assert found == [
        ("_unscoped_document", "Document.objects.get"),
        ("bad", "Fiche.objects.get"),
        ("bad", "get_object_or_404"),
        ("bad", "Project.objects.get"),
        ("bad", "Fiche.objects.filter"),
        ("bad", "Fiche.objects.filter"),
    ]


def test_a_planted_violation_in_a_real_view_is_found():
    source = (ROOT / "missions/views.py").read_text()
    planted = source.replace(
        "fiche = get_fiche_for_user(request.user, slug, number)\n"
        "    return render(request, DETAIL, FichePage(request, fiche).context())",
        "fiche = Fiche.objects.get(project__slug=slug, number=number)\n"
        "    return render(request, DETAIL, FichePage(request, fiche).context())",
    )
    assert planted != source, "the planted line no longer matches missions/views.py"

    clean = ModuleChecker(source, app_label="missions", views=VIEW_MODULES["missions.views"])
    checker = ModuleChecker(planted, app_label="missions", views=VIEW_MODULES["missions.views"])

    assert clean.violations() == []
    assert [function for function, _, _ in checker.violations()] == ["fiche_detail"]
