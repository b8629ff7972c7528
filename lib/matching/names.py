"""Who paid: payer names against client names, kana readings and learned aliases.

Both sides are reduced to the same key (lib.kana.normalise_name: bank kana, company marks and
legal forms removed), and a branch is told apart from its head office. Banks cut names short,
so a payer key may also be the start of a client's key. Fuzzy similarity (rapidfuzz) only
ranks suggestions; it never identifies a payer on its own.
"""

from __future__ import annotations

import bisect
from collections import Counter
from dataclasses import dataclass, field

from rapidfuzz import fuzz, process

from lib.kana import split_branch

MIN_PREFIX = 5  # a cut-off key shorter than this says too little
MAX_PREFIX_CLIENTS = 3
SIMILAR = 75  # fuzz.ratio a name needs before it is even suggested
# What a bank leaves of a legal form when it cuts a name: PVT L, PRIVATE LIM, & C …
_LEGAL_WORDS = (
    "PRIVATE",
    "PVT",
    "LIMITED",
    "LTD",
    "LLP",
    "COMPANY",
    "CO",
    "AND",
    "INC",
    "CORPORATION",
    "CORP",
)


@dataclass
class Identified:
    """The client(s) a payer name points to, how, and the name that was recognised."""

    clients: set[int] = field(default_factory=set)
    how: str = ""  # alias, name, branch, prefix
    name: str = ""

    @property
    def unique(self) -> int | None:
        return next(iter(self.clients)) if len(self.clients) == 1 else None


@dataclass
class NameIndex:
    """Client keys for exact, branch, prefix and alias look-ups."""

    heads: dict[str, set[int]] = field(default_factory=dict)
    branches: dict[tuple[str, str], set[int]] = field(default_factory=dict)
    head_offices: dict[str, set[int]] = field(default_factory=dict)  # clients without a branch
    aliases: dict[tuple[str, str], Counter] = field(default_factory=dict)
    sorted_keys: list[str] = field(default_factory=list)
    fuzzy_keys: list[str] = field(default_factory=list)
    _by_length: list[int] = field(default_factory=list)  # positions in fuzzy_keys by length
    _lengths: list[int] = field(default_factory=list)
    _resembled: dict[tuple, list[tuple[int, float]]] = field(default_factory=dict)

    def add_client(self, client_id: int, *names: str | None) -> None:
        """Index a client under its name and kana reading."""
        for name in names:
            if not name:
                continue
            head, branch = split_branch(name)
            if not head:
                continue
            self.heads.setdefault(head, set()).add(client_id)
            if branch:
                self.branches.setdefault((head, branch), set()).add(client_id)
            else:
                self.head_offices.setdefault(head, set()).add(client_id)

    def add_alias(self, payer_key: str, account: str, client_id: int, times: int) -> None:
        """Index a learned alias; an account-specific one outranks a general one."""
        self.aliases.setdefault((payer_key, account), Counter())[client_id] += times

    def finish(self) -> None:
        """Build the sorted keys once every client is in."""
        self.sorted_keys = sorted(self.heads)
        self.fuzzy_keys = list(self.heads)
        self._by_length = sorted(range(len(self.fuzzy_keys)), key=lambda n: len(self.fuzzy_keys[n]))
        self._lengths = [len(self.fuzzy_keys[n]) for n in self._by_length]

    def identify(self, names: list[str], account: str = "") -> Identified:
        """The client(s) behind the first candidate name that says something."""
        for name in names:
            head, branch = split_branch(name)
            if not head:
                continue
            found = self._alias(head, account) or self._exact(head, branch) or self._prefix(head)
            if found:
                found.name = name
                return found
        return Identified()

    def _alias(self, head: str, account: str) -> Identified | None:
        for key in ((head, account), (head, "")) if account else ((head, ""),):
            counts = self.aliases.get(key)
            if counts:
                best, times = counts.most_common(1)[0]
                # Several clients for one payer: the one matched most often wins, if clearly.
                rivals = [c for c, n in counts.items() if c != best and n >= times]
                return Identified({best} | set(rivals), "alias")
        return None

    def _exact(self, head: str, branch: str) -> Identified | None:
        if branch and (head, branch) in self.branches:
            return Identified(set(self.branches[(head, branch)]), "branch")
        if branch and len(branch) >= 3:  # the branch name cut short by the bank
            cut = {
                c
                for (h, b), ids in self.branches.items()
                if h == head and b.startswith(branch)
                for c in ids
            }
            if len(cut) == 1:
                return Identified(cut, "branch")
        if head in self.head_offices:
            return Identified(set(self.head_offices[head]), "name")
        if head in self.heads:
            return Identified(set(self.heads[head]), "name")
        return None

    def _prefix(self, head: str) -> Identified | None:
        # The payer's key cut short: it begins a client's key.
        if len(head) >= MIN_PREFIX:
            ordered, keys = self.sorted_keys, []
            # Walk on from the insertion point (a slice would copy the rest of the list:
            # one pass over every client per receipt).
            for n in range(bisect.bisect_left(ordered, head), len(ordered)):
                if not ordered[n].startswith(head):
                    break
                keys.append(ordered[n])
            if keys:
                ids = set().union(*(self.head_offices.get(k) or self.heads[k] for k in keys))
                # A stump that begins many names identifies nobody.
                return Identified(ids, "prefix") if len(ids) <= MAX_PREFIX_CLIENTS else None
        # The client's key followed by the stump of a legal form: SHARMA TRADERS PR.
        if head.isascii():
            for cut in range(1, 9):
                stem, stump = head[:-cut], head[-cut:]
                if stem in self.heads and any(w.startswith(stump) for w in _LEGAL_WORDS):
                    return Identified(
                        set(self.head_offices.get(stem) or self.heads[stem]), "prefix"
                    )
        return None

    def resemble(self, names: list[str], limit: int = 3) -> list[tuple[int, float]]:
        """Clients whose names look like the payer's (for suggestions only), best first."""
        key = (tuple(names[:2]), limit)
        if key not in self._resembled:  # the same strangers pay again and again
            self._resembled[key] = self._rank(names[:2], limit)
        return self._resembled[key]

    def _rank(self, names: list[str], limit: int) -> list[tuple[int, float]]:
        ranked: dict[int, float] = {}
        for name in names:
            head = split_branch(name)[0]
            if len(head) < 3 or not self.fuzzy_keys:
                continue
            for key, score, _ in process.extract(
                head,
                self._of_similar_length(head),
                scorer=fuzz.ratio,
                limit=limit,
                score_cutoff=SIMILAR,
            ):
                for client in self.heads[key]:
                    ranked[client] = max(ranked.get(client, 0.0), score / 100)
        return sorted(ranked.items(), key=lambda kv: -kv[1])[:limit]

    def _of_similar_length(self, head: str) -> list[str]:
        """The client keys that can reach SIMILAR at all, in their usual order (so ties rank
        as before). fuzz.ratio is 1 - distance / (a + b) with distance >= |a - b|, so a key
        of length b qualifies only if 4 |a - b| <= a + b, i.e. 3a/5 <= b <= 5a/3; a margin
        of one keeps rounding on the safe side. Comparing with every client's key made the
        suggestions quadratic in the number of clients."""
        size = len(head)
        low = bisect.bisect_left(self._lengths, size * 3 // 5 - 1)
        high = bisect.bisect_right(self._lengths, -(-size * 5 // 3) + 1)
        return [self.fuzzy_keys[n] for n in sorted(self._by_length[low:high])]
