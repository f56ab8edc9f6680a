"""experta 1.9.4 on Python 3.10+: the frozendict shim in engine/experta_compat.py."""
import collections
import subprocess
import sys

from lbp_screen.engine.experta_compat import Fact, KnowledgeEngine, Rule
from tests.conftest import ROOT


class Greeting(Fact):
    """A fact for the smoke rule."""


def test_experta_imports_and_runs_a_rule():
    class Smoke(KnowledgeEngine):
        @Rule(Greeting(word="hello"))
        def answer(self):
            self.answered = True

    engine = Smoke()
    engine.answered = False
    engine.reset()
    engine.declare(Greeting(word="hello"))
    engine.run()
    assert engine.answered


def test_the_mapping_alias_is_taken_back_after_import():
    assert not hasattr(collections, "Mapping")


def test_a_fresh_interpreter_imports_experta_through_the_shim():
    done = subprocess.run([sys.executable, "-c", "import lbp_screen.engine.experta_compat, experta; "
                           "import collections; print(hasattr(collections, 'Mapping'))"],
                          cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "False"


def test_without_the_shim_frozendict_fails_on_this_python():
    """Pins the reason the shim exists: a bare import of experta fails on 3.10+."""
    done = subprocess.run([sys.executable, "-c", "import experta"], cwd=ROOT,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode != 0
    assert "Mapping" in done.stderr


def test_scalar_fact_builds_the_same_fact_as_experta_s_constructor():
    from lbp_screen.engine.experta_compat import scalar_fact
    values = {"word": "hello", "count": 3, "ratio": 0.5, "flag": True, "nothing": None}
    fast, slow = scalar_fact(Greeting, values), Greeting(**values)
    assert type(fast) is Greeting and fast == slow and vars(fast) == vars(slow)
    assert fast.as_dict() == slow.as_dict() and fast.copy() == slow.copy()


def test_scalar_fact_leaves_other_values_to_experta_s_freezing():
    from lbp_screen.engine.experta_compat import scalar_fact
    fact = scalar_fact(Greeting, {"words": ["a", "b"]})
    assert fact == Greeting(words=["a", "b"])
    assert type(fact["words"]).__name__ == "frozenlist"
