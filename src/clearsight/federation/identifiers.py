"""Which identifier variants are tokenised, and how much a shared token says.

Tokens only agree exactly, so the fuzziness of clear-text linkage is rebuilt from
variants computed before hashing: nickname groups for forenames, a phonetic code for
surnames, day and month transposed, partial birth dates, names in either order. The
normalisation is the linkage stage's own (``linkage.features``), so both see a name
the same way.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

# Evidence weight of one kind of shared token (about log2 of how much likelier a shared
# value is between records of one person than of two). Kinds nest: a shared name and
# full birth date also shares name and year, so weights add up along the evidence.
WEIGHTS: dict[str, float] = {
    "nhs": 12.0,
    "name_dob": 10.0,
    # Day and month transposed: a keying error, or two people born months apart.
    "name_dob_swapped": 7.0,
    "phone": 6.0,
    "email": 6.0,
    "name_postcode": 6.0,
    "name_ym": 4.0,
    "name_year": 3.0,
}
# Kinds that propose a pair for scoring; a name and year alone are too common.
BLOCKING_KINDS: tuple[str, ...] = (
    "nhs",
    "name_dob",
    "name_dob_swapped",
    "phone",
    "email",
    "name_postcode",
)
# Both people hold an NHS number and none agrees: almost surely two people (keying
# errors mostly break the checksum and are cleaned away before this).
NHS_DISAGREES = -12.0
# A variant hashed in another kind's space so that it meets that kind's tokens; its
# label keeps its own (lower) weight.
HASHED_AS: dict[str, str] = {"name_dob_swapped": "name_dob"}
# Score at which two people of different forces are linked: a strong identifier with a
# name and birth year, or a name with a full birth date.
LINK_THRESHOLD = 9.0


def _names(fn_keys: Iterable[str] | None, sn_code: str | None) -> set[str]:
    keys = sorted(set(fn_keys or []))
    surnames = {s for s in (sn_code,) if s}
    if not keys or not surnames:
        return set()
    return {f"{k}|{s}" for k in keys for s in surnames}


def variants(row: dict[str, object]) -> Iterator[tuple[str, str]]:
    """(kind, normalised value) pairs of one linkage-input row."""
    fn_keys = row.get("fn_keys")
    sn_code = row.get("sn_code")
    names = _names(
        [str(k) for k in fn_keys] if isinstance(fn_keys, list | tuple) else None,
        sn_code if isinstance(sn_code, str) else None,
    )
    if row.get("is_unknown"):
        names = set()
    # Forename and surname swapped: the swapped name variant too.
    fn1, sn1 = row.get("fn1"), row.get("sn1")
    if isinstance(fn1, str) and isinstance(sn1, str) and not row.get("is_unknown"):
        names.add(f"{sn1}|{fn1}")
        names.add(f"{fn1}|{sn1}")
    dob, swapped = row.get("dob"), row.get("dob_swapped")
    for name in names:
        if isinstance(dob, str):
            yield "name_dob", f"{name}|{dob}"
            if isinstance(swapped, str):
                yield "name_dob_swapped", f"{name}|{swapped}"
        if isinstance(row.get("dob_ym"), str):
            yield "name_ym", f"{name}|{row['dob_ym']}"
        if row.get("dob_y") is not None:
            yield "name_year", f"{name}|{row['dob_y']}"
        if isinstance(row.get("postcode"), str):
            yield "name_postcode", f"{name}|{row['postcode']}"
    if isinstance(row.get("nhs_number"), str):
        yield "nhs", str(row["nhs_number"])
    for kind, column in (("phone", "phones"), ("email", "emails")):
        values = row.get(column)
        if isinstance(values, list | tuple):
            for v in values:
                if isinstance(v, str) and v:
                    yield kind, v
