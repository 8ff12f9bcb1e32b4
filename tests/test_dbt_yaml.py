"""The dbt project's YAML files hold no duplicate key: YAML keeps the last of two, so a
model's second `data_tests:` (or `columns:`) would silently drop the first one's tests."""

from pathlib import Path

import yaml

PROJECT = Path(__file__).resolve().parents[1] / "dbt_project"


def duplicate_keys(text: str) -> list[tuple[int, str]]:
    """(line, key) of every key that appears twice in one mapping."""
    found: list[tuple[int, str]] = []

    class Loader(yaml.SafeLoader):
        pass

    def mapping(loader: yaml.SafeLoader, node: yaml.MappingNode, deep: bool = False) -> dict:
        seen: set = set()
        for key_node, _ in node.value:
            key = loader.construct_object(key_node, deep=deep)
            if key in seen:
                found.append((key_node.start_mark.line + 1, key))
            seen.add(key)
        return yaml.SafeLoader.construct_mapping(loader, node, deep)

    Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, mapping)
    yaml.load(text, Loader=Loader)
    return found


def test_a_duplicate_key_is_found():
    text = "models:\n  - name: m\n    data_tests: [a]\n    columns: []\n    data_tests: [b]\n"
    assert duplicate_keys(text) == [(5, "data_tests")]


def test_no_yaml_file_of_the_dbt_project_repeats_a_key():
    files = sorted(PROJECT.rglob("*.yml"))
    files = [f for f in files if "target" not in f.relative_to(PROJECT).parts]
    assert len(files) > 20
    found = {str(f.relative_to(PROJECT)): duplicate_keys(f.read_text()) for f in files}
    assert {name: keys for name, keys in found.items() if keys} == {}
