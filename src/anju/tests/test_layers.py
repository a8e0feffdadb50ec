"""The import contracts of pyproject.toml (run by `make lint`) catch what they are meant to.

Each test adds one import to Anju's real import graph and checks that the contract breaks on
it; the graph is built once (a fraction of a second) and nothing is imported or written.
"""

from copy import deepcopy
from pathlib import Path

import grimp
import pytest
from importlinter import api
from importlinter.contracts.forbidden import ForbiddenContract
from importlinter.contracts.layers import LayersContract

PYPROJECT = Path(__file__).resolve().parents[3] / "pyproject.toml"
CONTRACTS = {"forbidden": ForbiddenContract, "layers": LayersContract}


@pytest.fixture(scope="module")
def config():
    return api.read_configuration(str(PYPROJECT))


@pytest.fixture(scope="module")
def graph(config):
    options = config["session_options"]
    external = str(options.get("include_external_packages")).lower() == "true"
    return grimp.build_graph(*options["root_packages"], include_external_packages=external,
                             cache_dir=None)


def contract(config, contract_id):
    options = next(c for c in config["contracts_options"] if c["id"] == contract_id)
    return CONTRACTS[options["type"]](name=options["name"],
                                      session_options=config["session_options"],
                                      contract_options=options)


def breaches(config, graph, contract_id, *added: tuple[str, str]) -> set[tuple[str, str]]:
    """(importer, imported) of the chains breaking the contract, with `added` imports."""
    graph = deepcopy(graph)
    for importer, imported in added:
        graph.add_import(importer=importer, imported=imported, line_number=1,
                         line_contents=f"import {imported}")
    check = contract(config, contract_id).check(graph, verbose=False)
    if check.kept:
        return set()
    found = check.metadata.get("invalid_chains") or check.metadata["invalid_dependencies"]
    return {(c["downstream_module"] if "downstream_module" in c else c["importer"],
             c["upstream_module"] if "upstream_module" in c else c["imported"]) for c in found}


@pytest.mark.parametrize("imported", ["anju.web.apikit", "anju.registry.api", "anju.urls",
                                      "anju.registry.forms", "ninja"])
def test_a_domain_module_importing_the_web_layer_breaks_the_contract(config, graph, imported):
    added = ("anju.registry.rules", imported)
    assert added not in breaches(config, graph, "domain-below-web")
    assert any(importer == "anju.registry.rules"
               for importer, _ in breaches(config, graph, "domain-below-web", added))


def test_a_domain_module_reaching_the_web_layer_through_another_breaks_the_contract(
        config, graph):
    # the rules reach the page helpers through a module that is neither domain nor web
    found = breaches(config, graph, "domain-below-web",
                     ("anju.registry.rules", "anju.security"),
                     ("anju.security", "anju.web.pages"))
    assert ("anju.registry.rules", "anju.web") in found


def test_kit_importing_an_app_breaks_the_contract(config, graph):
    assert breaches(config, graph, "kit-is-the-floor") == set()
    for imported in ("anju.accounts.models", "anju.settings", "anju.web.forms"):
        assert breaches(config, graph, "kit-is-the-floor", ("anju.kit.errors", imported))


@pytest.mark.parametrize("importer, imported", [
    ("anju.divisions.models", "anju.registry.models"),  # below imports above
    ("anju.rectification.rules", "anju.assistance.models"),  # siblings are independent
    ("anju.registry.rules", "anju.reports.rollup"),  # the register reads no statistics
])
def test_an_import_against_the_app_layers_breaks_the_contract(config, graph, importer, imported):
    before = breaches(config, graph, "app-layers")
    after = breaches(config, graph, "app-layers", (importer, imported))
    assert after - before


def test_every_module_of_an_app_is_either_domain_or_a_door(config, graph):
    """A new module is named in the contracts: the domain one, or the doors of app-layers."""
    contracts = {c["id"]: c for c in config["contracts_options"]}
    domain = set()
    for expression in contracts["domain-below-web"]["source_modules"]:
        for module in graph.find_matching_modules(expression):
            domain |= {module, *graph.find_descendants(module)}
    doors = set()
    for expression in contracts["app-layers"]["ignore_imports"]:
        doors |= graph.find_matching_modules(expression.split("->")[0].strip())
    layered = {layer.strip() for line in contracts["app-layers"]["layers"]
               for layer in line.replace(":", "|").split("|")}
    apps = {m for m in layered if graph.find_children(m)} - {"anju.web"}

    def named(module):
        return module in domain or any(
            module == door or module.startswith(door + ".")  # a door, or inside one
            or door.startswith(module + ".")  # a package holding doors (tests, management)
            for door in doors)

    unnamed = sorted(m for m in graph.modules
                     if any(m.startswith(app + ".") for app in apps) and not named(m))
    assert unnamed == [], "name these modules in pyproject.toml's [tool.importlinter]"
