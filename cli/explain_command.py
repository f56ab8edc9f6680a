"""``lbp explain``: how one case's result was reached, why something else was not, and
which unanswered questions could change it; as text, Markdown, JSON or one HTML file, all
from the one explanation document (``Explanation.to_dict``) that the JSON format prints."""
from __future__ import annotations

import difflib
import pathlib

import click

from lbp_screen import inputs
from lbp_screen.main import (
    fact_option, lbp, library_errors, one_case_source, output_format, refuse_together, service,
)
from lbp_screen.engine.explain_render import (
    SECTIONS, default_sections, explanation_markdown, explanation_text, section_document,
)
from lbp_screen.engine.formats import by_suffix
from lbp_screen.engine.report_html import explanation_html
from lbp_screen.engine.service import InputError, json_text, shown, write_text

SHOWN_CHOICES = 12  # case ids listed in the "pick one with --case" message


EXPLAIN_FORMATS = ("text", "markdown", "json", "html")
HEADING = "lbp explain"  # what the text and HTML explanations say produced them


def _targets(ctx, param, values):
    try:
        return tuple(dict.fromkeys(service().target(value) for value in values))
    except InputError as error:
        raise click.BadParameter(str(error), ctx=ctx, param=param) from None


ALL_SECTIONS = "all"  # --section all: every section


def _sections(ctx, param, values):
    """--section, repeatable or a comma list; ``all`` for every one; an unknown name is
    refused with the nearest."""
    names = [name.strip().lower() for value in values for name in value.split(",") if name.strip()]
    for name in names:
        if name != ALL_SECTIONS and name not in SECTIONS:
            near = difflib.get_close_matches(name, [*SECTIONS, ALL_SECTIONS], n=1)
            hint = f" (did you mean {near[0]!r}?)" if near else ""
            raise click.BadParameter(f"unknown section {shown(name, quoted=True)}{hint}; sections: "
                                     f"{', '.join(SECTIONS)}, or {ALL_SECTIONS}", ctx=ctx, param=param)
    if ALL_SECTIONS in names:
        return SECTIONS
    return tuple(s for s in SECTIONS if s in names)  # in the order every format shows them


def _format_for(ctx: click.Context, fmt: str, output: str) -> str:
    """--format wins when given; otherwise the output file's extension decides, so
    ``-o report.html`` never holds plain text.  A given format that contradicts the
    extension is refused."""
    named = by_suffix(output, EXPLAIN_FORMATS) if output != "-" else None
    if ctx.get_parameter_source("fmt") is click.core.ParameterSource.DEFAULT:
        return named or fmt
    if named and named != fmt:
        raise click.UsageError(f"--format {fmt} does not match the output name {output!r} "
                               f"(which means {named})")
    return fmt


def _case_id(item: inputs.LoadedCase) -> str | None:
    """The case id as given, unless it could not be shown whole (an identifier's shape, or
    too long): such a case is named by its label."""
    if isinstance(item.case, dict) and item.case.get("case_id") is not None:
        text = str(item.case["case_id"]).strip()
        return text if shown(text) == text else None
    return None


def _names(loaded: list[inputs.LoadedCase]) -> str:
    names = [_case_id(item) or item.label for item in loaded]
    more = f", ... ({len(names) - SHOWN_CHOICES} more)" if len(names) > SHOWN_CHOICES else ""
    return ", ".join(names[:SHOWN_CHOICES]) + more


def pick_one(loaded: list[inputs.LoadedCase], wanted: str | None) -> inputs.LoadedCase:
    """The one case to explain: the only one given, or the one ``--case`` names."""
    if wanted is None:
        if len(loaded) > 1:
            raise click.ClickException(
                f"{len(loaded)} cases given; lbp explain explains one case at a time: pick one "
                f"with --case ID (a case_id or a label such as {loaded[1].label}). "
                f"Cases: {_names(loaded)}")
        return loaded[0]
    matches = [item for item in loaded if wanted in (_case_id(item), item.label)]
    if not matches:
        raise click.ClickException(f"--case {wanted!r}: no case with that case_id or label. "
                                   f"Cases: {_names(loaded)}")
    if len(matches) > 1:
        raise click.ClickException(f"--case {wanted!r}: {len(matches)} cases have that case_id "
                                   f"({', '.join(m.label for m in matches)}); pick one by its label")
    return matches[0]


@lbp.command()
@click.argument("files", nargs=-1, type=click.Path(allow_dash=True))
@fact_option()
@click.option("--case", "wanted", metavar="ID",
              help="Which case to explain when FILES hold several: its case_id or its label "
                   "(e.g. cases.json[2]).")
@click.option("--why-not", "why_not", multiple=True, metavar="KIND=VALUE", callback=_targets,
              help="Explain why a conclusion was or was not reached, and only that unless "
                   "--section asks for more, e.g. --why-not "
                   + ", ".join(f"{kind}={values[-1]}" for kind, values in service().targets().items())
                   + " (repeatable; an unknown kind or value is refused with the valid ones).")
@click.option("--section", "sections", multiple=True, metavar="NAME[,NAME]", callback=_sections,
              help="Show only these parts: " + ", ".join(SECTIONS) + ", or all (repeatable or a "
                   "comma list). Default: all but why-not (the text format also leaves out graph "
                   "and trace); with --why-not, only the why-not answer.")
@output_format(*EXPLAIN_FORMATS)
@click.option("-o", "--output", type=click.Path(dir_okay=False, allow_dash=True), default="-",
              help="Write to this file instead of standard output (without --format, a .html, "
                   ".md or .json name picks the format).")
def explain(files, facts, wanted, why_not, sections, fmt, output):
    """Explain how one case was screened: the rules that fired in order, how each
    conclusion was reached, why others were not, and what unanswered questions could
    change the result.

    The case comes from FILES (a JSON case, annotated case or list; a folder; - for
    stdin; use --case when they hold several) or from --fact answers.  --format html
    writes one self-contained page (no network needed) with the reasoning graph.
    --why-not alone prints only its answer; --section picks parts (--section all for
    everything).
    """
    one_case_source(files, facts)
    refuse_together(fact=facts, case=wanted)
    fmt = _format_for(click.get_current_context(), fmt, output)
    if "why-not" in sections and not why_not:
        raise click.UsageError("--section why-not needs --why-not KIND=VALUE (what to ask about)")
    sections = sections or default_sections(fmt, bool(why_not))
    if output != "-" and any(f != "-" and pathlib.Path(f).resolve() == pathlib.Path(output).resolve()
                             for f in files):
        raise click.UsageError(f"-o {output}: is also an input; the explanation would overwrite the case")
    screening = service()
    with library_errors():
        loaded = inputs.facts_case(facts) if facts else inputs.load_cases(files, screening)
        item = pick_one(loaded, wanted)
        doc = screening.explanation(item.case, item.label, why_not)
    if fmt == "json":
        text = json_text(section_document(doc, sections))
    elif fmt == "markdown":
        text = explanation_markdown(doc, sections)
    elif fmt == "html":
        text = explanation_html(doc, HEADING, sections)
    else:
        text = explanation_text(doc, HEADING, sections) + "\n"
    if output == "-":
        click.echo(text, nl=False)
        return
    with library_errors():
        write_text(output, text)
    click.echo(f"wrote {output}", err=True)
