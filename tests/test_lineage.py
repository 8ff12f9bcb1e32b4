"""A model's parents in the lineage (dbt's docs, the Dagster asset graph) are the models it reads.

An incremental model also reads what changed from the models of models/intermediate/build/
(docs/incremental.md); nothing else may become a parent through a macro.
"""

import json
import re

from pipelines.defs.dbt.project import ensure_manifest

BUILD_MODELS = {
    "int_build__as_of",
    "int_build__ticket_changes",
    "int_build__conversation_changes",
    "int_build__response_changes",
    "int_build__reference_rows",
}
# A model or seed the SQL names: in ref('...'), or quoted in a list the model refs in a loop
# (int_build__reference_rows).
NAMED = re.compile(r"""['"]([a-z0-9_]+)['"]""")


def models() -> dict[str, dict]:
    manifest = json.loads(ensure_manifest().read_text())
    return {
        node["name"]: node
        for node in manifest["nodes"].values()
        if node["resource_type"] == "model" and node["package_name"] == "csops"
    }


def parents(node: dict) -> set[str]:
    """The models and seeds the node depends on (its sources are the landing zone's files)."""
    return {
        unique_id.split(".")[-1]
        for unique_id in node["depends_on"]["nodes"]
        if unique_id.startswith(("model.", "seed."))
    }


def test_every_models_parents_are_what_its_own_sql_reads_or_the_build_models():
    found = {}
    for name, node in models().items():
        written = set(NAMED.findall(node["raw_code"]))
        extra = parents(node) - written - BUILD_MODELS
        if extra:
            found[name] = sorted(extra)
    assert found == {}


def test_a_marts_lineage_is_a_readable_graph():
    nodes = models()
    # fct_contacts unions the ticket and chat facts and adds the chats' business minutes
    # (3 models it reads), and reads what changed from 4 build models: 7, where the refs
    # inside the incremental macro once made it 18.
    assert parents(nodes["fct_contacts"]) == {
        "fct_tickets",
        "fct_conversations",
        "int_business_hours__conversation_minutes",
        "int_build__ticket_changes",
        "int_build__conversation_changes",
        "int_build__reference_rows",
        "int_build__as_of",
    }
    # And no model has more than a dozen parents.
    assert max(len(parents(node)) for node in nodes.values()) <= 12


def test_a_model_over_150_lines_says_at_its_top_why_it_is_one_model():
    unexplained = []
    for name, node in models().items():
        lines = node["raw_code"].splitlines()
        if len(lines) > 150 and "Over 150 lines" not in "\n".join(lines[:25]):
            unexplained.append(name)
    assert unexplained == []
