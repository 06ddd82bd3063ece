"""Property-based fuzzing of the decoder, both parsers and the date engine (issue 15), on a CI budget.

The properties and strategies are in ``hostile_fuzzing.py``; ``bench/fuzz.py`` runs the same ones
with a much larger budget. Derandomized, so that a CI run is repeatable; no example database.
"""
from __future__ import annotations

import pytest
from hostile_fuzzing import PROPERTIES
from hypothesis import HealthCheck, given, settings


def _settings(examples: int) -> settings:
    return settings(max_examples=examples, derandomize=True, database=None, deadline=None,
                    suppress_health_check=list(HealthCheck), print_blob=True)


def _case(strategy, check, examples):
    @_settings(examples)
    @given(strategy)
    def run(example):
        check(example)

    return run


@pytest.mark.parametrize(("name", "strategy", "check", "examples"), PROPERTIES, ids=[p[0] for p in PROPERTIES])
def test_property(name, strategy, check, examples):
    _case(strategy, check, examples)()
