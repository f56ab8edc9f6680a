"""Catalogue of vetoes: combinations of exercise loads that a case can make unsafe.

A veto names the loads it rules out (an exercise is caught when it puts *every* one of
them: fragile bone rules out flexion at the end of its range, not all flexion), whether
the exercise is to be avoided or done only with care, and the reason in words for the
person.  The rules in ``knowledge/rules/vetoes.py`` raise vetoes from the answers; each
veto then reaches every exercise of the catalogue with those loads, so a new exercise needs
only its loads, never a new veto rule.
"""
from __future__ import annotations

from dataclasses import dataclass

from lbp_screen.knowledge.exercises import EXERCISES, LOADS


@dataclass(frozen=True)
class Veto:
    id: str
    loads: tuple[str, ...]   # all of them must be among an exercise's loads
    advice: str              # "avoid" or "caution"
    reason: str              # why, to the person; the exercise's own load reason follows
    source: str

    def reaches(self) -> list[str]:
        """The exercises of the catalogue this veto catches, in catalogue order."""
        return [e.id for e in EXERCISES.values() if set(self.loads) <= {load for load, _ in e.loads}]

    def reason_for(self, exercise_id: str) -> str:
        exercise = EXERCISES[exercise_id]
        how = "; ".join(exercise.load_reason(load) for load in self.loads)
        return f"{self.reason} ({how})."


FRAGILE_BONE_REASON = ("With bones thinned by osteoporosis or long-term steroid tablets, the Royal "
                       "Osteoporosis Society advises leaving out {what}, because it strains the "
                       "front of the vertebrae; plenty of other exercise stays safe and helps")

VETOES = {v.id: v for v in (
    Veto("aggravating_extension", ("lumbar_extension",), "avoid",
         "You said that bending backward makes the pain worse, and this exercise arches the "
         "lower back", "[nice_ng59] exercise that suits the individual; [project] vetoes"),
    Veto("aggravating_flexion", ("lumbar_flexion",), "avoid",
         "You said that bending forward makes the pain worse, and this exercise rounds the "
         "lower back", "[nice_ng59] exercise that suits the individual; [project] vetoes"),
    Veto("fragile_bone_end_range_flexion", ("lumbar_flexion", "end_range"), "avoid",
         FRAGILE_BONE_REASON.format(what="rounding the spine to the end of its range"),
         "[ros_exercise_2019]; [sinaki_1984]"),
    Veto("fragile_bone_loaded_flexion", ("lumbar_flexion", "loaded"), "avoid",
         FRAGILE_BONE_REASON.format(what="rounding the spine while it carries the trunk's weight"),
         "[ros_exercise_2019]; [sinaki_1984]"),
    Veto("fragile_bone_end_range_rotation", ("rotation", "end_range"), "avoid",
         FRAGILE_BONE_REASON.format(what="twisting the spine to the end of its range"),
         "[ros_exercise_2019]"),
    Veto("fragile_bone_loaded_rotation", ("rotation", "loaded"), "avoid",
         FRAGILE_BONE_REASON.format(what="twisting the spine while it carries the trunk's weight"),
         "[ros_exercise_2019]"),
    Veto("pars_stress_extension", ("lumbar_extension",), "avoid",
         "A possible slipped vertebra or stress fracture of its arch is loaded by every "
         "arching movement until a clinician has checked it, and this exercise arches the "
         "lower back", "[article] Common causes: spondylolisthesis; [project] vetoes"),
    Veto("falls_head_below_heart", ("head_below_heart",), "caution",
         "At 65 or over, or with falls or unsteadiness, dropping the head below the heart can "
         "bring on dizziness and a fall: do it only beside firm support, or leave it out",
         "[project] vetoes (falls risk)"),
    Veto("falls_head_down_balance", ("head_below_heart", "balance"), "avoid",
         "After a fall, or feeling unsteady, an exercise that drops the head below the heart "
         "while asking for balance is too likely to end in another fall",
         "[nice_cg161] a fall or unsteadiness; [project] vetoes (falls risk)"),
    Veto("falls_balance", ("balance",), "caution",
         "At 65 or over, or with falls or unsteadiness, an exercise that asks for balance is "
         "safer holding a chair or wall, or done another way a physiotherapist shows you",
         "[project] vetoes (falls risk)"),
    Veto("knee_pain_kneeling", ("kneeling",), "caution",
         "With knee pain, taking weight through the knees can aggravate them: kneel on a "
         "cushion or choose another exercise", "[project] vetoes"),
    Veto("knee_pain_deep_flexion", ("deep_knee_flexion",), "caution",
         "With knee pain, bending the knee fully can aggravate it: bend it only as far as is "
         "comfortable, or choose another exercise", "[project] vetoes"),
    Veto("pars_stress_rotation", ("rotation", "end_range"), "caution",
         "A possible slipped vertebra or stress fracture of its arch is also loaded by "
         "twisting to the end of range: keep any twist small until a clinician has checked it",
         "[article] Common causes: spondylolisthesis; [project] vetoes"),
)}

for _veto in VETOES.values():
    unknown = set(_veto.loads) - set(LOADS)
    if unknown or _veto.advice not in ("avoid", "caution"):
        raise ValueError(f"veto {_veto.id!r}: unknown loads {sorted(unknown)} or advice {_veto.advice!r}")
