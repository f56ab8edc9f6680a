"""``lbp rules``: the rulebook as text, markdown (a reviewable reference) or JSON, each
topic with its decision table; ``lbp rules RULE-ID`` shows one rule in full."""
from __future__ import annotations

import difflib
from typing import Any

import click

from lbp_screen.main import lbp, library_errors, output_format, service
from lbp_screen.engine.rulebook_render import (
    one_rule_markdown, one_rule_text, rulebook_markdown, rulebook_text,
)
from lbp_screen.engine.service import InputError, json_text, shown


def _known_topic(ctx, param, value):
    if value is None:
        return None
    try:
        return service().topic(value)
    except InputError as error:
        raise click.BadParameter(str(error), ctx=ctx, param=param) from None


def _one_rule(document: dict[str, Any], typed: str) -> dict[str, Any]:
    """The rule whose id is ``typed`` in any letter case (spaces around ignored), or a
    usage error with the nearest id (the argument is echoed only if it is no identifier)."""
    by_id = {rule["id"]: rule for topic in document["topics"] for rule in topic["rules"]}
    wanted = typed.strip().upper()
    if wanted in by_id:
        return by_id[wanted]
    close = difflib.get_close_matches(wanted, list(by_id), n=1, cutoff=0.6)
    hint = f" (did you mean {close[0]!r}?)" if close else ""
    raise click.BadParameter(f"no rule {shown(typed, quoted=True)}{hint}; `lbp rules` lists "
                             "every rule", param_hint="RULE-ID")


@lbp.command()
@click.argument("rule_id", required=False, metavar="[RULE-ID]")
@click.option("--topic", callback=_known_topic, metavar="TOPIC",
              help="Only the rules of this topic (an unknown key is refused with a suggestion "
                   "and the list of topics).")
@output_format("text", "markdown", "json")
def rules(rule_id, topic, fmt):
    """Print every rule: each topic's decision table, then each rule's conditions and
    conclusions in plain words, rationale and source.

    With RULE-ID (any letter case), print that one rule in full, with its full references.
    The markdown format is a reference for review: a reading guide, contents, each topic's
    decision table and rules, the catalogues behind the ids the rules conclude, and full
    references.
    """
    if rule_id is not None and topic is not None:
        raise click.UsageError("give RULE-ID or --topic, not both")
    with library_errors():
        document = service().rulebook(None if topic is None else [topic])
    if rule_id is not None:
        entry = _one_rule(document, rule_id)
        if fmt == "json":
            click.echo(json_text(entry), nl=False)
        elif fmt == "markdown":
            click.echo(one_rule_markdown(entry), nl=False)
        else:
            click.echo(one_rule_text(entry))
    elif fmt == "json":
        rules_only = [rule for t in document["topics"] for rule in t["rules"]]
        click.echo(json_text(rules_only), nl=False)
    elif fmt == "markdown":
        click.echo(rulebook_markdown(document), nl=False)
    else:
        click.echo(rulebook_text(document, "(--format markdown adds the reading guide and the catalogues.)"))
