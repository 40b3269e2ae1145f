"""Victim-blaming language check.

Finds language in practitioners' narratives that blames exploited children
("placing herself at risk", "regular misper"...), says why it matters and offers
the appropriate alternative. Rules are data (``rules/*.yaml``); context rules
(quotes, reported speech, negation, offence titles, age cues) live in
:mod:`clearsight.language.context`.

>>> from clearsight.language import check
>>> [f.rule_id for f in check("She is a regular misper.")]
['regular-misper']
"""

from __future__ import annotations

from clearsight.language.check import Finding, check
from clearsight.language.rules import Rule, RuleError, RulePack, load_pack, load_rules

__all__ = ["Finding", "Rule", "RuleError", "RulePack", "check", "load_pack", "load_rules"]
