"""The label tree as the Codes dock and the picker show it (issue 22): paths, counts with the codes under each,
and a tag adjusting only the counts it changes."""

from __future__ import annotations

from annotator.core.code_tree import CodeTree, label_paths
from annotator.core.model import Label


def labels() -> list[Label]:
    return [Label("Actor", "#E69F00"), Label("Person", "#000000", parent="Actor"),
            Label("Leader", "#000000", parent="Person"), Label("State", "#000000", parent="Actor"),
            Label("Figure", "#009E73"), Label("Casualties", "#000000", parent="Figure"),
            Label("Topics", "#000000", codable=False)]


def test_the_tree_nests_codes_in_scheme_order_with_rows():
    tree = CodeTree(labels())
    assert [n.name for n in tree.top] == ["Actor", "Figure", "Topics"]
    assert [n.name for n in tree.nodes["Actor"].children] == ["Person", "State"]
    assert [tree.nodes[n].row for n in ("Actor", "Figure", "Topics", "Person", "State", "Leader")] == [0, 1, 2, 0, 1, 0]
    assert tree.path_text("Leader") == "Actor › Person › Leader"
    assert tree.depth() == 3


def test_counts_with_the_codes_under_each():
    tree = CodeTree(labels(), {"Actor": 1, "Person": 2, "Leader": 3, "Casualties": 4})
    assert [(tree.nodes[n].own, tree.nodes[n].total) for n in ("Actor", "Person", "Leader", "State", "Figure")] == [
        (1, 6), (2, 5), (3, 3), (0, 0), (0, 4)]


def test_a_tag_changes_its_code_and_the_codes_above_it_only():
    tree = CodeTree(labels(), {"Leader": 1})
    assert tree.add_counts({"Leader": 1}) == {"Leader", "Person", "Actor"}
    assert (tree.nodes["Actor"].own, tree.nodes["Actor"].total) == (0, 2)
    assert tree.add_counts({"Casualties": -1, "Claim": 3, "State": 0}) == {"Casualties", "Figure"}
    assert tree.nodes["Figure"].total == -1  # unknown labels and zeros are ignored


def test_a_parent_chain_that_loops_is_cut_at_the_top():
    tree = CodeTree([Label("A", "#000000", parent="B"), Label("B", "#000000", parent="A")])
    assert [n.name for n in tree.top] == ["B"] and tree.path("A") == ["B", "A"]


def test_label_paths():
    assert label_paths(labels())["Casualties"] == "Figure › Casualties"
    assert label_paths(labels())["Topics"] == "Topics"
