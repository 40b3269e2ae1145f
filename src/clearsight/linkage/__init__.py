"""Person linkage: every current person record of every source resolved into entities.

One Splink model deduplicates within sources and links across them. The public
API is these few functions; the tables they write are documented in
``docs/linkage.md``.
"""

from clearsight.linkage.errors import LinkageError
from clearsight.linkage.explain import EntityExplanation, Link, WaterfallStep, explain_entity
from clearsight.linkage.export import EXPORT_COLUMNS, export_entities
from clearsight.linkage.model import TrainingOptions
from clearsight.linkage.pipeline import DEFAULT_REVIEW_BAND, DEFAULT_THRESHOLD, LinkSummary, run
from clearsight.linkage.review import Decision, ReviewPair, decide, review_list

__all__ = [
    "DEFAULT_REVIEW_BAND",
    "DEFAULT_THRESHOLD",
    "EXPORT_COLUMNS",
    "Decision",
    "EntityExplanation",
    "Link",
    "LinkSummary",
    "LinkageError",
    "ReviewPair",
    "TrainingOptions",
    "WaterfallStep",
    "decide",
    "explain_entity",
    "export_entities",
    "review_list",
    "run",
]
