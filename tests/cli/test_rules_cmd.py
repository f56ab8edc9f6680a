"""``lbp rules`` in its three formats, its --topic filter, and help text on every command."""
import json
import re

import click
import pytest
from click.testing import CliRunner

from tests import bundled
from lbp_screen.main import lbp
from lbp_screen.engine.rulebook_doc import citations

KB = bundled.load_knowledge_base()
RULE_IDS = [rule.id for rule in KB.rules]


def _lbp(*args):
    return CliRunner().invoke(lbp, list(args), catch_exceptions=False)


def _commands(group: click.Group, prefix=("lbp",)):
    for name, command in sorted(group.commands.items()):
        yield (*prefix, name), command
        if isinstance(command, click.Group):
            yield from _commands(command, (*prefix, name))


def test_every_command_and_option_has_help_text():
    missing = []
    for path, command in _commands(lbp):
        if not (command.help or "").strip():
            missing.append(" ".join(path))
        for param in command.params:
            if isinstance(param, click.Option) and not (param.help or "").strip():
                missing.append(f"{' '.join(path)} {param.opts[0]}")
    assert "rules" in lbp.commands
    assert not missing, f"no help text: {missing}"


def test_rules_is_listed_in_the_group_help():
    result = _lbp("--help")
    assert result.exit_code == 0
    assert re.search(r"^\s+rules\s+\S", result.output, re.MULTILINE)


def test_text_lists_every_rule_with_its_parts():
    result = _lbp("rules")
    assert result.exit_code == 0
    assert f"knowledge base {KB.version}, digest {KB.digest}" in result.output
    for rule in KB.rules:
        assert f"{rule.id}  {rule.title}" in result.output
    assert result.output.count("  why:") == len(KB.rules)
    assert result.output.count("  source:") == len(KB.rules)


def test_json_is_one_object_per_rule_in_topic_order():
    result = _lbp("rules", "--format", "json")
    assert result.exit_code == 0
    entries = json.loads(result.output)
    assert sorted(e["id"] for e in entries) == sorted(RULE_IDS)
    topic_order = list(KB.topics)
    positions = [topic_order.index(e["topic"]) for e in entries]
    assert positions == sorted(positions)
    for entry in entries:
        assert {"id", "title", "rationale", "source", "when", "then", "topic", "phase",
                "sources"} <= set(entry)
        rule = KB.rule(entry["id"])
        assert entry["title"] == rule.title and entry["source"] == rule.source
        assert len(entry["when"]) == len(rule.when) and len(entry["then"]) == len(rule.then)
        assert all(isinstance(text, str) and text for text in entry["when"] + entry["then"])
        assert [s["key"] for s in entry["sources"]] == [k for k, _ in citations(rule.source)]
        assert all(s["citation"] == KB.sources[s["key"]].citation for s in entry["sources"])


def test_json_words_a_condition_plainly():
    entries = {e["id"]: e for e in json.loads(_lbp("rules", "--format", "json").output)}
    assert entries["R-RESP-EXT-SITTING"]["when"] == ["sitting makes the pain worse"]
    assert entries["R-SAFETY-AGE-UNDER-ADULT"]["when"] == ["age is below 18 years"]
    assert entries["R-SAFETY-AGE-NOT-KNOWN"]["when"] == [
        "no answer was given for age", "no conclusion that urgency is emergency"]
    assert entries["R-RESP-EXT-SITTING"]["phase"] == "findings"


def test_markdown_is_a_reviewable_reference():
    result = _lbp("rules", "--format", "markdown")
    assert result.exit_code == 0
    text = result.output
    assert text.startswith("# ")
    assert KB.version in text and KB.digest in text
    for heading in ("## How to read this rulebook", "## Contents", "## Catalogues", "## References"):
        assert heading in text
    assert "not a diagnosis" in text and "never the same as 'no'" in text
    for rule_id in RULE_IDS:
        assert f"\n### {rule_id}\n" in text
    for title in KB.topics.values():
        assert f"\n## {title}\n" in text
    for key in {k for rule in KB.rules for k, _ in citations(rule.source)}:
        assert f'<a id="ref-{key}"></a>**[{key}]** {KB.sources[key].citation}' in text


def test_markdown_catalogues_name_every_contract_id():
    text = _lbp("rules", "--format", "markdown").output
    for kind in ("cause", "exercise", "red_flag"):
        for entry_id in KB.target_values(kind):
            assert f"#### `{entry_id}`:" in text


def _anchor(heading: str) -> str:
    return re.sub(r"[^a-z0-9 _-]", "", heading.lower()).replace(" ", "-")


def test_markdown_internal_links_all_resolve():
    text = _lbp("rules", "--format", "markdown").output
    headings = [_anchor(h) for h in re.findall(r"^#+ (.+)$", text, re.MULTILINE)]
    assert len(headings) == len(set(headings)), "two headings share an anchor"
    targets = set(headings) | set(re.findall(r'<a id="([^"]+)"></a>', text))
    links = set(re.findall(r"\]\(#([^)]+)\)", text))
    assert links and not links - targets, sorted(links - targets)


@pytest.mark.parametrize("fmt", ["text", "markdown", "json"])
def test_topic_filter_keeps_only_that_topic(fmt):
    result = _lbp("rules", "--topic", "causes", "--format", fmt)
    assert result.exit_code == 0
    wanted = [r.id for r in KB.rules if r.topic == "causes"]
    others = [r.id for r in KB.rules if r.topic != "causes"]
    assert wanted
    for rule_id in wanted:
        assert rule_id in result.output
    for rule_id in others:
        assert not re.search(rf"{rule_id}\b", result.output), rule_id


def test_topic_filter_json_lists_the_topic_in_rulebook_order():
    entries = json.loads(_lbp("rules", "--topic", "safety", "--format", "json").output)
    assert [e["id"] for e in entries] == [r.id for r in KB.rules if r.topic == "safety"]


def test_unknown_topic_is_a_usage_error_with_a_suggestion():
    result = CliRunner().invoke(lbp, ["rules", "--topic", "cuases"])
    assert result.exit_code == 2
    assert "no topic 'cuases'" in result.output
    assert "did you mean 'causes'?" in result.output
    assert "responder, causes, exercises, psychosocial, self_care, safety" in result.output


def test_unknown_format_is_a_usage_error():
    result = CliRunner().invoke(lbp, ["rules", "--format", "html"])
    assert result.exit_code == 2
    assert "html" in result.output


# ---------------------------------------------------------------- decision tables

def test_text_and_markdown_open_each_topic_with_its_decision_table():
    text = _lbp("rules").output
    markdown = _lbp("rules", "--format", "markdown").output
    assert text.count("-- decision table") == len(KB.topics)
    for title in KB.topics.values():
        assert f"\n### Decision table: {title}\n" in markdown
    # one table line per rule, each linking to the rule's own entry
    for rule_id in RULE_IDS:
        assert markdown.count(f"| [{rule_id}](#{rule_id.lower()}) |") == 1, rule_id
    assert "| no or unknown |" in markdown.replace("<br>", " | ")


def test_text_decision_tables_keep_to_the_width_of_the_other_text():
    text = _lbp("rules", "--topic", "safety").output
    start = text.index("-- decision table")
    table = text[start:text.index("\nR-", start)]
    assert max(len(line) for line in table.splitlines()) <= 88
    assert "no or unknown" in table


# ---------------------------------------------------------------- lbp rules RULE-ID

@pytest.mark.parametrize("typed", ["R-FLAG-CES-SADDLE-NUMBNESS", "r-flag-ces-saddle-numbness",
                                   "  R-Flag-Ces-Saddle-Numbness "])
def test_one_rule_in_any_letter_case_in_full(typed):
    result = _lbp("rules", typed)
    assert result.exit_code == 0
    rule = KB.rule("R-FLAG-CES-SADDLE-NUMBNESS")
    assert result.output.startswith(f"{rule.id}  {rule.title}\n")
    assert "  topic:    " in result.output and "  evidence: " in result.output
    for key, _ in citations(rule.source):
        assert f"[{key}]" in result.output and KB.sources[key].citation.split()[0] in result.output
    others = [r for r in RULE_IDS if r != rule.id and r not in rule.id]
    assert not any(re.search(rf"{other}\b", result.output) for other in others)


def test_one_rule_as_json_is_its_rulebook_entry():
    entry = json.loads(_lbp("rules", "r-resp-mixed", "--format", "json").output)
    (expected,) = [e for e in json.loads(_lbp("rules", "--format", "json").output)
                   if e["id"] == "R-RESP-MIXED"]
    assert entry == expected


def test_one_rule_as_markdown_resolves_its_reference_links():
    text = _lbp("rules", "R-RESP-MIXED", "--format", "markdown").output
    assert text.startswith("### R-RESP-MIXED\n")
    links = set(re.findall(r"\]\(#([^)]+)\)", text))
    anchors = set(re.findall(r'<a id="([^"]+)"></a>', text))
    assert links and links <= anchors


def test_unknown_rule_id_is_a_usage_error_with_the_nearest_id():
    result = CliRunner().invoke(lbp, ["rules", "r-flag-ces-sadle"])
    assert result.exit_code == 2
    assert "no rule 'r-flag-ces-sadle'" in result.output
    assert "did you mean 'R-FLAG-CES-SADDLE-NUMBNESS'?" in result.output


def test_unknown_rule_id_shaped_like_an_identifier_is_withheld():
    result = CliRunner().invoke(lbp, ["rules", "ann.smith@example.org"])
    assert result.exit_code == 2
    assert "ann.smith" not in result.output and "withheld" in result.output


def test_rule_id_and_topic_together_are_refused():
    result = CliRunner().invoke(lbp, ["rules", "R-RESP-MIXED", "--topic", "responder"])
    assert result.exit_code == 2
    assert "not both" in result.output
