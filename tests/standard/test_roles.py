"""The role groups every stage uses name only the standard's role codes."""

from __future__ import annotations

from clearsight.standard import load_standard
from clearsight.standard.roles import CHILD_ROLES, LINKING_ROLES, OFFENDING_ROLES
from clearsight.standard.types import Code


def test_role_groups_are_codes_of_the_standard() -> None:
    role_type = load_standard().tables["involvements"].columns["role"].type
    assert isinstance(role_type, Code)
    roles = set(role_type.values)
    assert roles, "the standard lists involvement roles"
    for group in (OFFENDING_ROLES, LINKING_ROLES, CHILD_ROLES):
        assert group
        assert set(group) <= roles
    assert not set(OFFENDING_ROLES) & set(CHILD_ROLES)
