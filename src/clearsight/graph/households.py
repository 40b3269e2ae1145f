"""A household as agencies write it: the key two person records share when they give one
home, whichever way each agency wrote the address.

Royal Mail's Postcode Address File identifies a delivery point by its postcode and its
premises (the building number, or the building name when it has no number); the street
and town are implied by the postcode. Agencies write the rest differently: the postcode in
its own field or at the end of the address line, with or without its space; "St" or
"Street"; the town or not (the standard's ``postcode`` and ``address`` fields are both
optional and free). So the key is the postcode, taken from the ``postcode`` field or else
from the end of the address line, and the premises: the leading building number of the
address's first part ("4" of "4 Manor Close") or, without a number, that whole first part
("rose cottage"). A record with no postcode, or an address that is only a town, has no key:
it never places anyone in a household."""

from __future__ import annotations

# A full UK postcode at the end of an address line, with or without its space (the
# outward code: one or two letters, a digit, an optional letter or digit; the inward code:
# a digit and two letters).
_POSTCODE_AT_END = r"\b([A-Z]{1,2}[0-9][A-Z0-9]? ?[0-9][A-Z]{2})\s*$"
# A building number at the start of the address (with a letter suffix: "12a").
_BUILDING_NUMBER = r"^([0-9]+[a-z]?)\b"


def household_key(alias: str) -> str:
    """SQL for the household key of a ``current_persons`` row aliased ``alias``: NULL when
    the record gives no postcode or no premises."""
    postcode = (
        f"replace(upper(coalesce({alias}.postcode, nullif(regexp_extract("
        f"upper({alias}.address), '{_POSTCODE_AT_END}', 1), ''))), ' ', '')"
    )
    # The first part of the address, without a postcode written into it.
    first = (
        f"trim(regexp_replace(lower(regexp_replace(split_part({alias}.address, ',', 1), "
        f"'{_POSTCODE_AT_END}', '', 'i')), '[^a-z0-9]+', ' ', 'g'))"
    )
    premises = f"coalesce(nullif(regexp_extract({first}, '{_BUILDING_NUMBER}', 1), ''), {first})"
    return f"(nullif({postcode}, '') || '|' || nullif({premises}, ''))"
