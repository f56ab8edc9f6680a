"""``lbp rules``: the rulebook as text, markdown (a reviewable reference) or JSON."""
from __future__ import annotations

import click

from lbp_screen.main import lbp, library_errors, output_format, service
from lbp_screen.engine.rulebook_render import rulebook_markdown, rulebook_text
from lbp_screen.engine.service import InputError, json_text


def _known_topic(ctx, param, value):
    if value is None:
        return None
    try:
        return service().topic(value)
    except InputError as error:
        raise click.BadParameter(str(error), ctx=ctx, param=param) from None


@lbp.command()
@click.option("--topic", callback=_known_topic, metavar="TOPIC",
              help="Only the rules of this topic (an unknown key is refused with a suggestion "
                   "and the list of topics).")
@output_format("text", "markdown", "json")
def rules(topic, fmt):
    """Print every rule: conditions and conclusions in plain words, rationale, source.

    The markdown format is a reference for review: a reading guide, contents,
    every rule, the catalogues behind the ids the rules conclude, and full references.
    """
    with library_errors():
        document = service().rulebook(None if topic is None else [topic])
    if fmt == "json":
        rules_only = [rule for t in document["topics"] for rule in t["rules"]]
        click.echo(json_text(rules_only), nl=False)
    elif fmt == "markdown":
        click.echo(rulebook_markdown(document), nl=False)
    else:
        click.echo(rulebook_text(document, "(--format markdown adds the reading guide and the catalogues.)"))
