"""The rulebook as a document a clinician can audit (generic: the wording comes from the
knowledge base).

Each rule becomes a plain dict: its metadata, its conditions and conclusions in plain
words (each condition's and action's ``describe`` with the knowledge base's labels), its
phase by name, and its ``[key]`` citations expanded into full references.  Catalogues
(what the conclusions' ids stand for) are passed in as data, with the rules that can
conclude each entry, so a reader can go from a rule to an id and back.
"""
from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from typing import Any, Iterable, Mapping

from lbp_screen.engine.decision_table import LEGEND, decision_table
from lbp_screen.engine.rulebook import KnowledgeBase, RuleSpec

CITATION = re.compile(r"\[([a-z0-9_]+)\]([^\[]*)")


@dataclass(frozen=True)
class Phase:
    """A salience level of the rulebook, named and explained for readers."""

    salience: int
    name: str
    description: str


@dataclass(frozen=True)
class Catalogue:
    """The entries behind one kind of conclusion id (causes, exercises, ...).

    ``target`` is the knowledge base's why-not target kind whose (fact type, field) holds
    the entry ids, so the rules concluding each entry can be found."""

    title: str
    target: str
    entries: Mapping[str, Any]  # id -> a dataclass instance with at least ``name``


@dataclass(frozen=True)
class Reference:
    """What the printed rulebook says around the rules: its title, a reading guide (one
    paragraph each), the phases by salience, and the catalogues behind conclusion ids."""

    title: str
    intro: tuple[str, ...]
    phases: Mapping[int, Phase]
    catalogues: tuple[Catalogue, ...] = ()


def citations(source: str) -> list[tuple[str, str]]:
    """``"[a] Section x; [b]"`` -> ``[("a", "Section x"), ("b", "")]``, in citation order."""
    return [(key, detail.strip().strip(";").strip()) for key, detail in CITATION.findall(source)]


def expanded_sources(kb: KnowledgeBase, source: str) -> list[dict[str, str]]:
    """A rule's citations with each key's full reference."""
    expanded = []
    for key, detail in citations(source):
        reference = kb.sources[key]
        expanded.append({"key": key, "detail": detail, "citation": reference.citation,
                         "url": reference.url})
    return expanded


def rule_entry(kb: KnowledgeBase, rule: RuleSpec, phases: Mapping[int, Phase]) -> dict[str, Any]:
    """One rule as a dict, conditions and conclusions in plain words."""
    return {
        "id": rule.id,
        "title": rule.title,
        "topic": rule.topic,
        "topic_title": kb.topics[rule.topic],
        "phase": phases[rule.phase].name,
        "salience": rule.phase,
        "rationale": rule.rationale,
        "source": rule.source,
        "sources": expanded_sources(kb, rule.source),
        "evidence": rule.evidence,
        "when": [condition.describe(kb.labels) for condition in rule.when],
        "then": [action.describe(kb.labels) for action in rule.then],
    }


def rule_entries(kb: KnowledgeBase, phases: Mapping[int, Phase],
                 topics: Iterable[str] | None = None) -> list[dict[str, Any]]:
    """Every rule (or those of ``topics``), grouped by topic in the knowledge base's topic
    order and in rulebook order within a topic."""
    wanted = list(kb.topics) if topics is None else [t for t in kb.topics if t in set(topics)]
    return [rule_entry(kb, rule, phases)
            for topic in wanted for rule in kb.rules if rule.topic == topic]


def catalogue_entries(kb: KnowledgeBase, catalogue: Catalogue) -> list[dict[str, Any]]:
    """A catalogue's entries as dicts: every field of the entry, plus the concluding rules."""
    fact_type, field = kb.targets[catalogue.target]
    entries = []
    for entry_id, entry in catalogue.entries.items():
        values = {f.name: _plain(getattr(entry, f.name)) for f in dataclasses.fields(entry)}
        values["id"] = entry_id
        values["rules"] = [rule.id for rule in kb.rules_concluding(fact_type, {field: entry_id})]
        entries.append(values)
    return entries


def _plain(value: Any) -> Any:
    """A catalogue value as JSON data: records become objects, tuples lists."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    return value


def cited_keys(kb: KnowledgeBase, texts: Iterable[str]) -> list[str]:
    """The source keys cited in ``texts``, in the knowledge base's source order."""
    cited = {key for text in texts for key, _ in citations(text)}
    return [key for key in kb.sources if key in cited]


def rulebook_document(kb: KnowledgeBase, topics: Iterable[str] | None = None,
                      engine_provenance: Mapping[str, str] | None = None) -> dict[str, Any]:
    """The rulebook (or some topics of it) as one JSON-ready document that every face
    renders: header, reading guide, phases, topics with their rules and their decision
    table (engine/decision_table.py, read with ``decision_table_legend``), the catalogues
    (for the whole rulebook only) and the full references of every source cited."""
    reference = kb.reference
    if reference is None:
        raise ValueError(f"knowledge base {kb.name!r} has no rulebook reference")
    wanted = list(kb.topics) if topics is None else [t for t in kb.topics if t in set(topics)]
    entries = rule_entries(kb, reference.phases, wanted)
    full = wanted == list(kb.topics)
    catalogues = [(c.title, catalogue_entries(kb, c)) for c in reference.catalogues] if full else []
    cited_texts = [e["source"] for e in entries] + [
        str(item.get("source", "")) for _, items in catalogues for item in items]
    return {
        "title": reference.title,
        "knowledge_base": kb.provenance,
        "engine": dict(engine_provenance or {}),
        "complete": full,
        "intro": list(reference.intro),
        "phases": [{"name": p.name, "salience": p.salience, "description": p.description}
                   for p in sorted(reference.phases.values(), key=lambda p: -p.salience)],
        "topics": [{"topic": t, "title": kb.topics[t],
                    "rules": [e for e in entries if e["topic"] == t],
                    "decision_table": decision_table(kb, [r for r in kb.rules if r.topic == t])}
                   for t in wanted],
        "decision_table_legend": list(LEGEND),
        "catalogues": [{"title": title, "entries": items} for title, items in catalogues],
        "references": [{"key": key, "citation": kb.sources[key].citation,
                        "url": kb.sources[key].url} for key in cited_keys(kb, cited_texts)],
    }
