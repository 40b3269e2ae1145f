"""Networks linked to a network: those sharing a child it offended against, or a member.

Detection keeps two groups apart when only a shared child ties them (``bridging.py``:
IICSA calls offenders linked only through a shared victim a *possible* network), and gives
a man of two groups to both (``overlap.py``). An analyst still needs to see that the two
networks touch: a girl passed between two groups, or one man working with both, is where
an investigation of one reaches the other. So each network lists the others that share a
child or a member with it, with how many; the networks stay as detection found them.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb


@dataclass(frozen=True)
class LinkedNetwork:
    network_id: str
    children: int
    members: int

    def words(self) -> str:
        """'2 children and 1 member in common'."""
        counts = ((self.children, "child", "children"), (self.members, "member", "members"))
        parts = [f"{n} {one if n == 1 else many}" for n, one, many in counts if n]
        return f"{' and '.join(parts)} in common"


def linked_networks(con: duckdb.DuckDBPyConnection, network_id: str) -> list[LinkedNetwork]:
    """The other networks sharing a child (``network_victims``) or a member
    (``network_members``) with ``network_id``: most shared first, then by id."""
    rows = con.execute(
        """
        WITH shared AS (
            SELECT o.network_id, count(DISTINCT o.entity_id) AS children, 0 AS members
            FROM network_victims v JOIN network_victims o USING (entity_id)
            WHERE v.network_id = ? AND o.network_id <> v.network_id
            GROUP BY o.network_id
            UNION ALL
            SELECT o.network_id, 0, count(DISTINCT o.entity_id)
            FROM network_members m JOIN network_members o USING (entity_id)
            WHERE m.network_id = ? AND o.network_id <> m.network_id
            GROUP BY o.network_id
        )
        SELECT network_id, sum(children)::INT, sum(members)::INT FROM shared
        GROUP BY network_id ORDER BY sum(children) + sum(members) DESC, network_id
        """,
        [network_id, network_id],
    ).fetchall()
    return [LinkedNetwork(str(n), int(c), int(m)) for n, c, m in rows]
