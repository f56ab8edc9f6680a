"""Catalogue of the self-care advice NICE NG59 gives everyone with low back pain, in this
project's words.  It is given with every result whose exercise advice is not withheld,
whatever the responder type: it does not depend on a direction."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SelfCare:
    id: str
    advice: str
    source: str


SELF_CARE = {item.id: item for item in (
    SelfCare("stay_active",
             "Keep moving: carry on with your usual activities, and with work if you can, as far "
             "as the pain allows. Long bed rest does not help.",
             "[nice_ng59] advice to continue normal activities; [nhs_back_pain] stay active"),
    SelfCare("usual_course",
             "Most new episodes of low back pain ease a great deal within a few weeks, though "
             "they can come back; pain does not by itself mean that the back is damaged.",
             "[nice_ng59] information on the nature of low back pain"),
    SelfCare("persistent_course",
             "Pain that has lasted three months or more is common and can still improve; it "
             "does not by itself mean that the back is damaged, and staying active and a "
             "structured programme help more than rest.",
             "[nice_ng59] information on the nature of low back pain"),
    SelfCare("activity_is_safe",
             "You said you think being active is not really safe: for nearly everyone with back pain, "
             "building activity up step by step is safe and helps recovery, and a "
             "physiotherapist can show you how.",
             "[nice_ng59] advice and reassurance; [keele_startback_2008] item 5"),
    SelfCare("pause_arching_sport",
             "Keep active, but pause the back-arching sport (gymnastics, dance, fast bowling and "
             "the like) until a clinician has checked the possible slipped vertebra.",
             "[article] Common causes: spondylolisthesis; [project] self-care"),
    SelfCare("structured_exercise",
             "A structured exercise programme suited to you is worth considering, for example a "
             "group class of stretching, strengthening, aerobic exercise, yoga or Pilates; a "
             "physiotherapist can choose and dose it.",
             "[nice_ng59] group exercise programmes"),
    SelfCare("self_management",
             "You can manage much of this yourself: pace activities through the day, keep "
             "active between flare-ups, and ask a pharmacist or GP about pain relief if you "
             "need it.",
             "[nice_ng59] self-management"),
    SelfCare("seek_help_again",
             "Get help again if the pain is not easing after a few weeks, is getting worse, or "
             "any of the warning signs in this result appears.",
             "[nice_ng59]; [nhs_back_pain] when to get help"),
    SelfCare("seek_help_persistent",
             "Ask for a review if the pain is changing in character, getting worse, or any of "
             "the warning signs in this result appears; long-standing pain deserves a plan, not "
             "only reassurance.",
             "[nice_ng59]; [nhs_back_pain] when to get help"),
)}
