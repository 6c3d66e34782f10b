"""Imports flow one way (STYLE.md 18): opendata -> directory -> content, crisis -> pagecache, ops; nothing imports
config. A grep of the imports is the test."""

import ast

import pytest

from tests.helpers import ROOT

# What each app may import, besides itself. Anything not named here is a step against the flow.
MAY_IMPORT = {
    "opendata": {"directory", "content", "crisis", "pagecache", "ops"},
    "directory": {"content", "crisis", "pagecache", "ops"},
    "content": {"pagecache", "ops"},
    "crisis": {"pagecache", "ops"},
    "pagecache": {"ops"},
    "ops": set(),
}
APPS = {*MAY_IMPORT, "config"}


def imported_apps(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        else:
            continue
        for name in names:
            top = name.split(".")[0]
            if top in APPS:
                yield top, node.lineno


@pytest.mark.parametrize("app", sorted(MAY_IMPORT))
def test_an_app_imports_only_the_apps_below_it(app):
    wrong = [
        f"{path.relative_to(ROOT)}:{line} imports {imported}"
        for path in sorted((ROOT / app).rglob("*.py"))
        if "migrations" not in path.parts
        for imported, line in imported_apps(path)
        if imported != app and imported not in MAY_IMPORT[app]
    ]
    assert wrong == []
