"""What the standard's involvement roles mean, grouped once for every stage.

The codes are the standard's (``schema/involvements.yaml``, ``role``); a test checks
that every code named here is one of them. The groups follow how agencies record a
person's part in an event.
"""

from __future__ import annotations

# The offending side of an event: a suspect, a convicted offender, or someone who
# arranged or enabled the abuse (the Home Office definition counts facilitators).
OFFENDING_ROLES: tuple[str, ...] = ("suspect", "offender", "facilitator")
# Roles that link people who share an event. `associate` (named alongside, with no
# offence alleged) links people but on its own makes no one a network member.
LINKING_ROLES: tuple[str, ...] = (*OFFENDING_ROLES, "associate")
# The child's side: the victim of an offence, the subject of a referral or meeting,
# the child reported missing.
CHILD_ROLES: tuple[str, ...] = ("victim", "subject", "missing_person")
# Those who saw or reported an offence: in a record of exploitation at the place he works,
# a member of staff so named is its guardian, not someone allowing it to be used (IICSA
# 2022 C.3); contextual safeguarding asks staff of hotels, transport hubs and the
# night-time economy to see and report exploitation (Firmin, 2017; Working Together 2023).
GUARDIAN_ROLES: tuple[str, ...] = ("witness", "reporting_person")
