"""Definitions as data: versioned YAML rule files, checked at load, evaluated by a small engine.

A rule file names its subject (a network or a child), its criteria (each a named check
from ``CHECKS`` with parameters) and its outcome: which criteria must hold for
``meets`` and for ``possible``; anything else ``does_not_meet``. A classification
(Hydrant COCAD) instead lists categories in order, the first whose condition holds wins.

A criterion is met (True), not met (False), or not shown by the data (None). ``all``
needs every criterion True; ``all_or_unknown`` accepts None as well; ``any`` needs one
True; ``none`` needs every one False or None.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

STATUSES = ("meets", "possible", "does_not_meet")
SUBJECTS = ("network", "child")
KINDS = ("status", "classification")
CONDITION_KEYS = ("all", "all_or_unknown", "any", "none")
_DEF_KEYS = {
    "id",
    "version",
    "title",
    "kind",
    "subject",
    "source",
    "text",
    "notes",
    "criteria",
    "outcome",
    "categories",
    "default_category",
}
_CRITERION_KEYS = {"id", "check", "params", "description"}
_SOURCE_KEYS = {"citation", "url", "section", "published"}


class DefinitionError(ValueError):
    """A rule file that does not follow the rule format."""


Evidence = list[dict[str, Any]]
CheckResult = tuple[bool | None, Evidence]
Check = Callable[[Mapping[str, Any], Mapping[str, Any]], CheckResult]


@dataclass(frozen=True)
class CheckSpec:
    function: Check
    subjects: tuple[str, ...]
    params: frozenset[str]


# Filled by ``clearsight.definitions.checks`` through ``register``.
CHECKS: dict[str, CheckSpec] = {}


def register(
    name: str, subjects: tuple[str, ...], params: tuple[str, ...] = ()
) -> Callable[[Check], Check]:
    def wrap(function: Check) -> Check:
        CHECKS[name] = CheckSpec(function, subjects, frozenset(params))
        return function

    return wrap


@dataclass(frozen=True)
class Criterion:
    id: str
    check: str
    params: dict[str, Any]
    description: str


@dataclass(frozen=True)
class Condition:
    clauses: dict[str, tuple[str, ...]]

    def holds(self, met: Mapping[str, bool | None]) -> bool:
        for key, ids in self.clauses.items():
            values = [met[i] for i in ids]
            if key == "all" and not all(v is True for v in values):
                return False
            if key == "all_or_unknown" and any(v is False for v in values):
                return False
            if key == "any" and not any(v is True for v in values):
                return False
            if key == "none" and any(v is True for v in values):
                return False
        return True


@dataclass(frozen=True)
class Definition:
    id: str
    version: str
    title: str
    kind: str
    subject: str
    source: dict[str, str]
    text: str
    criteria: tuple[Criterion, ...]
    outcome: dict[str, Condition] = field(default_factory=dict)
    categories: tuple[tuple[str, Condition], ...] = ()
    default_category: str | None = None


@dataclass(frozen=True)
class Result:
    status: str
    category: str | None
    criteria: dict[str, bool | None]
    evidence: dict[str, Evidence]


def _condition(raw: Any, criteria: set[str], where: str) -> Condition:
    if not isinstance(raw, dict) or not raw:
        raise DefinitionError(f"{where}: a condition is a mapping of {', '.join(CONDITION_KEYS)}")
    unknown = set(raw) - set(CONDITION_KEYS)
    if unknown:
        raise DefinitionError(f"{where}: unknown condition key(s) {sorted(unknown)}")
    clauses: dict[str, tuple[str, ...]] = {}
    for key, ids in raw.items():
        if not isinstance(ids, list) or not all(isinstance(i, str) for i in ids):
            raise DefinitionError(f"{where}.{key}: a list of criterion ids")
        missing = [i for i in ids if i not in criteria]
        if missing:
            raise DefinitionError(f"{where}.{key}: unknown criteria {missing}")
        clauses[key] = tuple(ids)
    return Condition(clauses)


def parse_definition(raw: Any, where: str = "definition") -> Definition:
    """Check one rule file's content; every fault is a DefinitionError naming the place."""
    from clearsight.definitions import checks  # noqa: F401  (fills CHECKS)

    if not isinstance(raw, dict):
        raise DefinitionError(f"{where}: a rule file is a mapping")
    unknown = set(raw) - _DEF_KEYS
    if unknown:
        raise DefinitionError(f"{where}: unknown field(s) {sorted(unknown)}")
    for key in ("id", "version", "title", "subject", "source", "text", "criteria"):
        if key not in raw:
            raise DefinitionError(f"{where}: missing field {key!r}")
    def_id, version = str(raw["id"]), str(raw["version"])
    if not re.fullmatch(r"[a-z0-9][a-z0-9-]*", def_id):
        raise DefinitionError(f"{where}: id {def_id!r} must be lower-case words and hyphens")
    where = f"{where} ({def_id})"
    kind = str(raw.get("kind", "status"))
    subject = str(raw["subject"])
    if kind not in KINDS:
        raise DefinitionError(f"{where}: kind {kind!r} is not one of {KINDS}")
    if subject not in SUBJECTS:
        raise DefinitionError(f"{where}: subject {subject!r} is not one of {SUBJECTS}")
    source = raw["source"]
    if not isinstance(source, dict) or "citation" not in source or set(source) - _SOURCE_KEYS:
        raise DefinitionError(f"{where}: source needs a citation and only {sorted(_SOURCE_KEYS)}")
    if not isinstance(raw["criteria"], list) or not raw["criteria"]:
        raise DefinitionError(f"{where}: criteria must be a non-empty list")
    criteria: list[Criterion] = []
    seen: set[str] = set()
    for n, item in enumerate(raw["criteria"]):
        at = f"{where}.criteria[{n}]"
        if not isinstance(item, dict):
            raise DefinitionError(f"{at}: a criterion is a mapping")
        extra = set(item) - _CRITERION_KEYS
        if extra:
            raise DefinitionError(f"{at}: unknown field(s) {sorted(extra)}")
        if "id" not in item or "check" not in item:
            raise DefinitionError(f"{at}: needs id and check")
        cid, check = str(item["id"]), str(item["check"])
        if cid in seen:
            raise DefinitionError(f"{at}: duplicate criterion id {cid!r}")
        seen.add(cid)
        spec = CHECKS.get(check)
        if spec is None:
            raise DefinitionError(f"{at}: unknown check {check!r}; known: {sorted(CHECKS)}")
        if subject not in spec.subjects:
            raise DefinitionError(f"{at}: check {check!r} does not apply to a {subject}")
        params = item.get("params") or {}
        if not isinstance(params, dict) or set(params) - spec.params:
            raise DefinitionError(
                f"{at}: check {check!r} takes only {sorted(spec.params)}, got {sorted(params)}"
            )
        criteria.append(Criterion(cid, check, dict(params), str(item.get("description", ""))))
    outcome: dict[str, Condition] = {}
    categories: list[tuple[str, Condition]] = []
    default_category = None
    if kind == "status":
        raw_outcome = raw.get("outcome")
        if not isinstance(raw_outcome, dict) or "meets" not in raw_outcome:
            raise DefinitionError(f"{where}: outcome needs at least 'meets'")
        extra = set(raw_outcome) - {"meets", "possible"}
        if extra:
            raise DefinitionError(f"{where}: unknown outcome(s) {sorted(extra)}")
        for status, cond in raw_outcome.items():
            outcome[status] = _condition(cond, seen, f"{where}.outcome.{status}")
    else:
        raw_categories = raw.get("categories")
        if not isinstance(raw_categories, list) or not raw_categories:
            raise DefinitionError(f"{where}: a classification needs a list of categories")
        names: set[str] = set()
        for n, item in enumerate(raw_categories):
            at = f"{where}.categories[{n}]"
            if not isinstance(item, dict) or set(item) != {"category", "when"}:
                raise DefinitionError(f"{at}: a category is {{category, when}}")
            name = str(item["category"])
            if name in names:
                raise DefinitionError(f"{at}: duplicate category {name!r}")
            names.add(name)
            categories.append((name, _condition(item["when"], seen, at)))
        default_category = str(raw.get("default_category", "unknown"))
    return Definition(
        id=def_id,
        version=version,
        title=str(raw["title"]),
        kind=kind,
        subject=subject,
        source={str(k): str(v) for k, v in source.items()},
        text=str(raw["text"]).strip(),
        criteria=tuple(criteria),
        outcome=outcome,
        categories=tuple(categories),
        default_category=default_category,
    )


def load_file(path: Path) -> Definition:
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise DefinitionError(f"{path.name}: not valid YAML: {exc}") from exc
    return parse_definition(raw, path.name)


def load_definitions(folder: Path | None = None) -> list[Definition]:
    """Every rule file in ``folder`` (default: the packaged rules), in file-name order."""
    if folder is None:
        base = resources.files("clearsight.definitions") / "rules"
        paths = sorted(Path(str(p)) for p in base.iterdir() if p.name.endswith(".yaml"))
    else:
        paths = sorted(folder.glob("*.yaml"))
    definitions: list[Definition] = []
    seen: dict[str, str] = {}
    for path in paths:
        definition = load_file(path)
        if definition.id in seen:
            raise DefinitionError(
                f"{path.name}: duplicate definition id {definition.id!r} "
                f"(also in {seen[definition.id]})"
            )
        seen[definition.id] = path.name
        definitions.append(definition)
    return definitions


def evaluate(definition: Definition, facts: Mapping[str, Any]) -> Result:
    """Apply one definition to one subject's facts."""
    met: dict[str, bool | None] = {}
    evidence: dict[str, Evidence] = {}
    for criterion in definition.criteria:
        value, items = CHECKS[criterion.check].function(facts, criterion.params)
        met[criterion.id] = value
        evidence[criterion.id] = items
    if definition.kind == "classification":
        category = next(
            (name for name, cond in definition.categories if cond.holds(met)),
            definition.default_category,
        )
        return Result("meets", category, met, evidence)
    if definition.outcome["meets"].holds(met):
        status = "meets"
    elif "possible" in definition.outcome and definition.outcome["possible"].holds(met):
        status = "possible"
    else:
        status = "does_not_meet"
    return Result(status, None, met, evidence)
