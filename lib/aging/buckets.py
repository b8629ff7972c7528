"""Aging buckets and the ways the lead slices the aging: the bucket limits and the basis
they count from, the groups (client, segment, owner, currency, parent group) and filters.
Pure definitions; :mod:`lib.aging` computes the balances."""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

DEFAULT_LIMITS: tuple[int, ...] = (0, 30, 60, 90, 180)
MAX_LIMIT_DAYS = 3650
BASES = {"due": "Days past due", "invoice": "Days since the invoice date"}
GROUPS = {
    "client": "Client",
    "segment": "Segment",
    "owner": "Owner",
    "currency": "Currency",
    "parent": "Parent group",
}
NO_OWNER = "No owner"


def check_limits(limits: Sequence[int]) -> tuple[int, ...]:
    """Bucket upper limits in days, checked: whole days, rising, at most 10; 0 (not yet due)
    is always the first limit. Raises ValueError saying what is wrong."""
    days = list(limits)
    if any(not isinstance(x, int) or isinstance(x, bool) for x in days):
        raise ValueError("bucket limits are whole numbers of days")
    if any(b <= a for a, b in zip(days, days[1:], strict=False)):
        raise ValueError("bucket limits must rise, each one larger than the one before")
    if days and (days[0] < 0 or days[-1] > MAX_LIMIT_DAYS):
        raise ValueError(f"bucket limits are between 0 and {MAX_LIMIT_DAYS} days")
    if not days or days[0] != 0:
        days.insert(0, 0)
    if len(days) < 2:
        raise ValueError("give at least one limit after 'not due', e.g. 30")
    if len(days) > 10:
        raise ValueError("at most 10 bucket limits")
    return tuple(days)


@dataclass(frozen=True)
class Buckets:
    """Aging buckets: upper limits in days (the lead's setting) and the basis they count
    from. With the due-date basis the first bucket is "Not due"; with the invoice-date basis
    every invoice is at least 0 days old, so the buckets read "0–30 days old" and so on."""

    limits: tuple[int, ...] = DEFAULT_LIMITS
    basis: str = "due"

    def __post_init__(self) -> None:
        if self.basis not in BASES:
            raise ValueError(f"basis is 'due' or 'invoice', not {self.basis!r}")
        object.__setattr__(self, "limits", check_limits(self.limits))

    @property
    def edges(self) -> tuple[int, ...]:
        return self.limits if self.basis == "due" else self.limits[1:]

    def labels(self) -> list[str]:
        """The bucket names in order, e.g. Not due, 1–30 days, …, Over 180 days."""
        edges, old = self.edges, " old" if self.basis == "invoice" else ""
        labels = ["Not due"] if self.basis == "due" else [f"0–{edges[0]} days{old}"]
        for low, high in zip(edges, edges[1:], strict=False):
            labels.append(f"{low + 1}–{high} days{old}")
        return [*labels, f"Over {edges[-1]} days{old}"]

    def index(self, days: int) -> int:
        """The bucket an invoice falls in, by its days past due (or its age)."""
        return bisect_left(self.edges, days)

    def days(self, item: dict[str, Any]) -> int:
        """The days an open item counts with on this basis."""
        return item["days_past_due"] if self.basis == "due" else item["days_old"]


@dataclass(frozen=True)
class Filters:
    """What the lead narrowed the aging to; empty means everything."""

    currency: str = ""
    segment: str = ""
    owner: str = ""
    client: str = ""  # a client code, or a parent group's code with by=parent

    def apply(self, items: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
        """The items these filters keep."""
        return [
            i
            for i in items
            if (not self.currency or i["currency"] == self.currency)
            and (not self.segment or i["segment"] == self.segment)
            and (not self.owner or (i["owner"] or NO_OWNER) == self.owner)
            and (not self.client or self.client in (i["client_code"], i["parent_code"]))
        ]


def group_of(item: dict[str, Any], by: str) -> tuple[str, str]:
    """The group an item belongs to when aging is grouped ``by``: (key, label)."""
    if by == "client":
        return item["client_code"], f"{item['client_code']} {item['client_name']}"
    if by == "segment":
        return item["segment"], item["segment"].title()
    if by == "owner":
        return item["owner"] or NO_OWNER, item["owner"] or NO_OWNER
    if by == "currency":
        return item["currency"], item["currency"]
    if by == "parent":  # a head office with its branches; a client without one alone
        if item["parent_code"]:
            return item["parent_code"], f"{item['parent_code']} {item['parent_name']}"
        return item["client_code"], f"{item['client_code']} {item['client_name']}"
    raise ValueError(f"group by one of {', '.join(GROUPS)}, not {by!r}")
