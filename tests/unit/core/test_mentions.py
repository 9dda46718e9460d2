"""Roles, places and certifications are recognised the way people write them, and only those."""

import pytest

from core.mentions import MentionFinder, canonical_ids, finder_for


@pytest.fixture(scope="module")
def find(kb):
    finder = finder_for(kb)
    canonical = canonical_ids(kb)
    return lambda text: [(m.entity, canonical[m.entity][m.text.lower()]) for m in finder.find(text)]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("what about program managers?", [("role", "programme_manager")]),
        ("and for a programme mgr", [("role", "programme_manager")]),
        ("what about a PMO analyst?", [("role", "pmo")]),
        ("working in a project management office", [("role", "pmo")]),
        ("same for SMs?", [("role", "scrum_master")]),
        ("is an IT PM paid more", [("role", "it_project_manager"), ("topic", "salary")]),
        # The longest mention wins: one IT project manager, not also a project manager.
        (
            "IT project managers in Northern Ireland",
            [("role", "it_project_manager"), ("location", "uk")],
        ),
        ("PRINCE2 Agile or PMP?", [("certification", "prince2_agile"), ("certification", "pmp")]),
        ("how do I become a product manager", [("other_role", "product_manager")]),
    ],
)
def test_mentions_are_found_and_mapped_to_ids(find, text, expected):
    assert find(text) == expected


@pytest.mark.parametrize("text", ["can you help us?", "sms from my boss", "is it hard?"])
def test_ordinary_words_are_not_taken_for_names(find, text):
    # "US" and "SM" are written in capitals in the knowledge base, so "us" and "sm" are words.
    assert [m for m in find(text) if m[0] in ("role", "location")] == []


def test_whole_words_only():
    finder = MentionFinder({"role": ["PM", "PMO"]})
    assert [m.text for m in finder.find("PMOs, PMO and a PM")] == ["PMO", "PM"]
