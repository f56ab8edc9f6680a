"""Compiling a rulebook into one experta engine: discovery order, firing, Tally, digests."""
import pathlib

from lbp_screen.engine.conditions import answer, at_least, at_least_of, concluded, not_answered
from lbp_screen.engine.rulebook import Tally, compile_engine, conclude, files_digest
from lbp_screen.engine.runner import Screener
from tests.engine.toy_kb import Finding, FindingCount, Verdict, toy_kb, toy_rule


def _run(kb, raw):
    screener = Screener(kb)
    return screener.run(screener.validate(raw))


def _facts_of(run, fact_type):
    return [dict((k, v) for k, v in f.items() if not k.startswith("__"))
            for f in run.facts if type(f) is fact_type]


def test_compile_engine_discovers_rules_in_rulebook_order():
    # Twelve rules: more than nine, so a position sorted as text ("10" < "2") would show.
    ids = [f"R-TOY-{name}" for name in "LKJIHGFEDCBA"]
    kb = toy_kb([toy_rule(rule_id, [answer("fever", "yes")], [conclude(Verdict, value=rule_id)])
                 for rule_id in ids])
    discovered = [rule._wrapped.rule_spec.id for rule in compile_engine(kb)().get_rules()]
    assert discovered == ids


def test_rules_of_one_phase_fire_in_rulebook_order():
    ids = [f"R-TOY-{name}" for name in "ZYXWVUTSRQPO"]
    kb = toy_kb([toy_rule(rule_id, [answer("fever", "yes")], [conclude(Verdict, value=rule_id)])
                 for rule_id in ids])
    assert _run(kb, {"fever": "yes"}).fired_rules == ids


def test_a_higher_phase_fires_first_whatever_the_rulebook_order():
    kb = toy_kb([
        toy_rule("R-TOY-LATE", [answer("fever", "yes")], [conclude(Verdict, value="late")], phase=40),
        toy_rule("R-TOY-EARLY", [answer("fever", "yes")], [conclude(Verdict, value="early")], phase=90),
    ])
    assert _run(kb, {"fever": "yes"}).fired_rules == ["R-TOY-EARLY", "R-TOY-LATE"]


def test_not_answered_rule_fires_only_when_the_field_is_missing():
    kb = toy_kb([toy_rule("R-TOY-AGE-MISSING", [not_answered("age")],
                          [conclude(Verdict, value="age missing")])])
    assert _run(kb, {}).fired_rules == ["R-TOY-AGE-MISSING"]
    assert _run(kb, {"age": "unknown"}).fired_rules == ["R-TOY-AGE-MISSING"]
    assert _run(kb, {"fever": "yes"}).fired_rules == ["R-TOY-AGE-MISSING"]
    assert _run(kb, {"age": 40}).fired_rules == []
    assert _run(kb, {"age": 0}).fired_rules == []  # zero is an answer, not a missing one


def test_an_answer_rule_never_fires_on_a_missing_answer():
    kb = toy_kb([toy_rule("R-TOY-NO-FEVER", [answer("fever", "no")], [conclude(Verdict, value="x")])])
    assert _run(kb, {}).fired_rules == []
    assert _run(kb, {"fever": "unknown"}).fired_rules == []
    assert _run(kb, {"fever": "no"}).fired_rules == ["R-TOY-NO-FEVER"]


def test_composite_condition_fires_through_experta_only_when_held():
    kb = toy_kb([toy_rule("R-TOY-TWO-OF-THREE",
                          [at_least_of(2, answer("sitting", "worse"), answer("standing", "better"),
                                       answer("fever", "yes"))],
                          [conclude(Verdict, value="two")])])
    assert _run(kb, {"sitting": "worse", "fever": "yes"}).fired_rules == ["R-TOY-TWO-OF-THREE"]
    assert _run(kb, {"sitting": "worse"}).fired_rules == []  # unknown is not enough to fire
    assert _run(kb, {"sitting": "worse", "standing": "worse", "fever": "no"}).fired_rules == []


def _tally_kb():
    return toy_kb([
        toy_rule("R-TOY-UP-SITTING", [answer("sitting", "worse")], [conclude(Finding, direction="up")]),
        toy_rule("R-TOY-UP-FEVER", [answer("fever", "yes")], [conclude(Finding, direction="up")]),
        toy_rule("R-TOY-DOWN-STANDING", [answer("standing", "worse")],
                 [conclude(Finding, direction="down")]),
        toy_rule("R-TOY-COUNT", [], [Tally(Finding, "direction", ("up", "down"), FindingCount)],
                 phase=80),
        toy_rule("R-TOY-UP-WINS", [concluded(FindingCount, up=at_least(2), down=0)],
                 [conclude(Verdict, value="up")], phase=70),
    ])


def test_tally_counts_each_value_and_zero_where_none():
    run = _run(_tally_kb(), {"sitting": "worse", "fever": "yes"})
    assert _facts_of(run, FindingCount) == [{"up": 2, "down": 0, "rule": "R-TOY-COUNT"}]
    assert _facts_of(run, Verdict) == [{"value": "up", "rule": "R-TOY-UP-WINS"}]
    assert run.fired_rules == ["R-TOY-UP-SITTING", "R-TOY-UP-FEVER", "R-TOY-COUNT", "R-TOY-UP-WINS"]


def test_tally_runs_once_after_every_finding_and_counts_both_ways():
    run = _run(_tally_kb(), {"sitting": "worse", "fever": "yes", "standing": "worse"})
    assert _facts_of(run, FindingCount) == [{"up": 2, "down": 1, "rule": "R-TOY-COUNT"}]
    assert _facts_of(run, Verdict) == []
    assert run.fired_rules.count("R-TOY-COUNT") == 1


def test_tally_with_no_findings_counts_zero():
    run = _run(_tally_kb(), {})
    assert _facts_of(run, FindingCount) == [{"up": 0, "down": 0, "rule": "R-TOY-COUNT"}]


def test_every_conclusion_records_the_rule_that_concluded_it():
    run = _run(_tally_kb(), {"fever": "yes"})
    assert [f["rule"] for f in _facts_of(run, Finding)] == ["R-TOY-UP-FEVER"]


def _write(root: pathlib.Path, files: dict[str, str]) -> list[pathlib.Path]:
    paths = []
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths


FILES = {"kb/__init__.py": "VERSION = '1'\n", "kb/rules/a.py": "RULES = []\n"}


def test_files_digest_is_stable_across_order_and_location(tmp_path):
    first = _write(tmp_path / "one", FILES)
    second = _write(tmp_path / "two", FILES)
    assert files_digest(first) == files_digest(list(reversed(first))) == files_digest(second)
    assert files_digest(first).startswith("sha256:")


def test_files_digest_changes_with_content_and_with_names(tmp_path):
    paths = _write(tmp_path / "kb0", FILES)
    before = files_digest(paths)
    paths[1].write_text("RULES = [1]\n", encoding="utf-8")
    assert files_digest(paths) != before
    paths[1].write_text(FILES["kb/rules/a.py"], encoding="utf-8")
    assert files_digest(paths) == before
    renamed = _write(tmp_path / "kb1", {"kb/__init__.py": FILES["kb/__init__.py"],
                                        "kb/rules/b.py": FILES["kb/rules/a.py"]})
    assert files_digest(renamed) != before


def test_knowledge_base_digest_covers_its_files(tmp_path):
    paths = _write(tmp_path, FILES)
    assert toy_kb([], files=paths).digest == files_digest(paths)
