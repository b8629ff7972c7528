"""The audit log's readable lines."""

import json

from lib.audit import describe


def test_describe_names_only_the_fields_that_moved() -> None:
    before = json.dumps({"failed_logins": 0, "locked_until": None, "password": "(old)"})
    after = json.dumps({"failed_logins": 0, "locked_until": None, "password": "(new)"})
    assert describe(before, after) == "password: (old) → (new)"


def test_describe_a_write_that_changed_nothing_still_says_what_it_wrote() -> None:
    same = json.dumps({"owner": "priya"})
    assert describe(same, same) == "owner: priya → priya"


def test_describe_a_creation_lists_its_filled_fields() -> None:
    after = json.dumps({"client_code": "JP0001", "email": "", "terms_days": 30, "tax": 0})
    assert describe(None, after) == "client_code=JP0001, terms_days=30"


def test_describe_nothing_and_an_empty_list_are_no_change() -> None:
    before = json.dumps({"stage": "demand", "skipped": None, "reason": None})
    after = json.dumps({"stage": "legal", "skipped": [], "reason": ""})
    assert describe(before, after) == "stage: demand → legal"
