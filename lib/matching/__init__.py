"""Payment matching: apply receipts to invoices automatically where the evidence is sure,
suggest where it is not, and keep the rest in suspense with a reason.

- :mod:`lib.matching.text`, :mod:`~lib.matching.names`, :mod:`~lib.matching.amounts`,
  :mod:`~lib.matching.equal`: reading statement lines, payer names, deductions and groups.
- :mod:`lib.matching.engine`: the decision for one receipt (pure).
- :mod:`lib.matching.run`: a whole run, decided in memory and written in checked chunks.
- :mod:`lib.matching.actions`: what collectors do by hand (match, accept, unmatch, reverse …).
- :mod:`lib.matching.queries`: the review queue, suspense, aliases, rules and exports.
"""

from lib.matching.actions import (
    DEDUCTION_KINDS,
    Line,
    MatchError,
    accept,
    assign_to_client,
    match,
    reject,
    reverse_receipt,
    unmatch,
)
from lib.matching.run import Summary, auto_match, plan_run

__all__ = [
    "DEDUCTION_KINDS",
    "Line",
    "MatchError",
    "Summary",
    "accept",
    "assign_to_client",
    "auto_match",
    "match",
    "plan_run",
    "reject",
    "reverse_receipt",
    "unmatch",
]
