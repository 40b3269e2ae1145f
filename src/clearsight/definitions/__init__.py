"""The universal definitions as explainable rules.

Rule files under ``rules/`` are data (YAML), checked at load; ``evaluate_all`` applies each
to its subjects and stores every result with the definition id and version, the criteria
met and the evidence for each.
"""

from __future__ import annotations

from clearsight.definitions.engine import (
    Definition,
    DefinitionError,
    Result,
    evaluate,
    load_definitions,
    parse_definition,
)
from clearsight.definitions.results import DefinitionCounts, evaluate_all

__all__ = [
    "Definition",
    "DefinitionCounts",
    "DefinitionError",
    "Result",
    "evaluate",
    "evaluate_all",
    "load_definitions",
    "parse_definition",
]
