"""The population of a project's territory, when the territory app provides it.

Funding must not depend on diagnostics (diagnostics uses funding.calculator.size_tier), so
this looks up, at call time, a function the territory app may expose; without it the budget's
own population field is used.
"""

import importlib
import importlib.util

# Names the territory app may give its "population of a project" function, in order.
PROVIDERS = [("diagnostics.territory", "territory_population")]


def territory_population(project) -> int | None:
    for module_name, function_name in PROVIDERS:
        if importlib.util.find_spec(module_name.split(".")[0]) is None:
            return None
        try:
            module = importlib.import_module(module_name)
        except ImportError:
            return None
        function = getattr(module, function_name, None)
        if callable(function):
            value = function(project)
            return int(value) if value else None
    return None
