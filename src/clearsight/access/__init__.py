"""Who may see what: users, roles, passwords, sessions, the authorisation check,
and pseudonyms for the national role."""

from clearsight.access.model import ROLES, AccessError, Principal, Role, ensure_access_schema
from clearsight.access.policy import (
    Forbidden,
    Permission,
    Visibility,
    allowed,
    network_member_visibility,
    record_filter,
    require,
    visibility,
)
from clearsight.access.pseudonym import Pseudonymiser, load_key
from clearsight.access.sessions import (
    LoginRefused,
    Session,
    SessionPolicy,
    login,
    logout,
    resume,
)
from clearsight.access.users import (
    User,
    add_sharing_rule,
    add_user,
    create_demo_users,
    list_users,
    load_principal,
    reset_password,
    seal_record,
    set_disabled,
)

__all__ = [
    "ROLES",
    "AccessError",
    "Forbidden",
    "LoginRefused",
    "Permission",
    "Principal",
    "Pseudonymiser",
    "Role",
    "Session",
    "SessionPolicy",
    "User",
    "Visibility",
    "add_sharing_rule",
    "add_user",
    "allowed",
    "create_demo_users",
    "ensure_access_schema",
    "list_users",
    "load_key",
    "load_principal",
    "login",
    "logout",
    "network_member_visibility",
    "record_filter",
    "require",
    "reset_password",
    "resume",
    "seal_record",
    "set_disabled",
    "visibility",
]
