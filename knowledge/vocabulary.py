"""The input vocabulary (case contract, section 1) as data.

Each field: its kind (accepted answers), what it means, the plain-language question an
interviewer asks, a line of help, and its group.  Groups are listed in the order a
clinician screens: warning signs first, then the pain pattern, then history and lifestyle.
Questions and help are this project's own wording.
"""

from lbp_screen.engine.conditions import answer, any_of, one_of
from lbp_screen.engine.privacy import IDENTIFIER_VALUES
from lbp_screen.engine.vocabulary import Choice, FieldSpec, Number, Premise, Text, Vocabulary

GROUPS = {
    "red_flags": "Warning signs",
    "pain_pattern": "Pain pattern",
    "history": "History and lifestyle",
    "psychosocial": "How the back pain affects your life (STarT Back items)",
}

YES_NO = Choice(
    name="yes/no",
    values=("yes", "no"),
    spellings={"yes": "yes", "y": "yes", "true": "yes", "1": "yes",
               "no": "no", "n": "no", "false": "no", "0": "no"},
    booleans={True: "yes", False: "no"},
    numbers={1: "yes", 0: "no"},
)
EFFECT = Choice(
    name="effect",
    values=("worse", "better", "no_change"),
    spellings={"worse": "worse", "better": "better", "no_change": "no_change",
               "same": "no_change", "no change": "no_change"},
)
ONSET = Choice(name="onset", values=("sudden", "gradual"),
               spellings={"sudden": "sudden", "gradual": "gradual"})
LEG_PAIN = Choice(
    name="leg pain",
    values=("none", "one_leg", "both_legs"),
    # the spaced spellings are how people type them; the contract's values stay canonical
    spellings={"none": "none", "one_leg": "one_leg", "one leg": "one_leg",
               "both_legs": "both_legs", "both legs": "both_legs"},
)

COURSE = Choice(
    name="course",
    values=("new_or_worsening", "slowly_worsening", "stable"),
    spellings={"new_or_worsening": "new_or_worsening", "new or worsening": "new_or_worsening",
               "new": "new_or_worsening", "worsening": "new_or_worsening",
               "getting worse": "new_or_worsening",
               "slowly_worsening": "slowly_worsening", "slowly worsening": "slowly_worsening",
               "slowly": "slowly_worsening",
               "stable": "stable", "long_standing": "stable", "long-standing": "stable",
               "long standing": "stable", "unchanged": "stable"},
)

AGREEMENT = Choice(
    name="agreement",
    values=("agree", "disagree"),
    spellings={"agree": "agree", "disagree": "disagree", "a": "agree", "d": "disagree"},
)
BOTHERSOMENESS = Choice(
    name="bothersomeness",
    values=("not_at_all", "slightly", "moderately", "very_much", "extremely"),
    spellings={"not_at_all": "not_at_all", "not at all": "not_at_all", "slightly": "slightly",
               "moderately": "moderately", "very_much": "very_much", "very much": "very_much",
               "extremely": "extremely"},
)

# Question dependencies (a question asked only when another answer makes it meaningful).
# A "yes" presumes the premise; for the course and skin-cancer questions every answer does.
LEG_WEAK = Premise(answer("leg_weakness", "yes"), ("yes",), "leg_weakness is yes")
LEG_PAIN_PRESENT = Premise(one_of("leg_pain", "one_leg", "both_legs"), ("yes",),
                           "leg_pain is one_leg or both_legs")
LEG_NERVE_SYMPTOMS = Premise(
    any_of(answer("leg_numbness_or_tingling", "yes"), answer("leg_weakness", "yes")), ("yes",),
    "leg_numbness_or_tingling or leg_weakness is yes")
LEG_SYMPTOMS = Premise(
    any_of(one_of("leg_pain", "one_leg", "both_legs"), answer("leg_numbness_or_tingling", "yes"),
           answer("leg_weakness", "yes")),
    COURSE.values,
    "there are leg symptoms (leg_pain is one_leg or both_legs, or leg_numbness_or_tingling "
    "or leg_weakness is yes)")
# "No, it was not only a skin cancer" presumes a cancer too, but people who count a basal
# cell carcinoma as no cancer at all answer that way as well: only "yes" is refused.
CANCER = Premise(answer("history_of_cancer", "yes"), ("yes",), "history_of_cancer is yes")

STARTBACK_NOTE = ("Paraphrased from the Keele STarT Back Screening Tool (Hill et al. 2008); for "
                  "clinical scoring use the official wording, which Keele University provides.")

# Plausibility bounds (contract, section 1).
OLDEST_AGE = 120            # no verified human lifespan exceeds it
LONGEST_EPISODE_WEEKS = 5200  # a hundred years: longer cannot be one person's episode
MINUTES_IN_DAY = 1440       # morning stiffness cannot outlast the day
CASE_ID_MAX_LENGTH = 64     # room for any registry key, too short for free-text notes



def _yes_no(name, meaning, question, help, group, premise=None):
    return FieldSpec(name, YES_NO, meaning, question, help, group, premise=premise)


def _effect(name, meaning, question, help):
    return FieldSpec(name, EFFECT, meaning, question, help, "pain_pattern")


FIELDS = (
    FieldSpec("case_id",
              # anonymised: no e-mail address, no phone-number-like digits (engine/privacy.py)
              Text(CASE_ID_MAX_LENGTH, IDENTIFIER_VALUES),
              "anonymised identifier of the case",
              "What anonymised label should this case have?",
              "Any short code. Never a name, e-mail, phone or health-service number.",
              "history", sensitive_value=True),
    # Warning signs first, as a clinician screens.
    _yes_no("saddle_numbness", "numbness around the buttocks, genitals or inner thighs",
            "Do you have numbness or altered feeling around your back passage, genitals or inner thighs?",
            "The area that would rest on a saddle if you were riding.", "red_flags"),
    _yes_no("bladder_or_bowel_change", "new difficulty passing urine, loss of bladder or bowel control",
            "Have you had any new trouble passing urine, or lost any control of your bladder or bowels?",
            "New since the back pain began: hesitancy, retention, leaking, or not feeling the need to go.",
            "red_flags"),
    _yes_no("sexual_dysfunction", "new loss of sexual function or of feeling in the genitals",
            "Since your back pain began, have you noticed new numbness of your genitals or during "
            "sex, or new difficulty getting or keeping an erection, or ejaculating?",
            "Not lower desire, and not avoiding sex because it hurts. Answer yes even if you think "
            "a medicine may be the cause. If you would rather not answer here, tell a doctor in "
            "private today. (Reading this aloud to someone? Ask it privately.)", "red_flags"),
    FieldSpec("leg_pain", LEG_PAIN, "pain travelling into the leg(s)",
              "Does your pain travel into a leg? (none, one_leg, both_legs)",
              "Pain that spreads from your back into the thigh or below; pain only in the buttock "
              "is asked about separately.", "red_flags"),
    _yes_no("leg_numbness_or_tingling", "pins and needles or numbness in a leg",
            "Do you have pins and needles or numbness in a leg?", "Anywhere in the leg or foot.",
            "red_flags"),
    _yes_no("leg_weakness", "weakness in a leg or foot",
            "Is either of your legs or feet weak, or both (for example you trip, a foot slaps down, "
            "or your legs give way on stairs)?",
            "Weakness, not just pain that makes moving hard.", "red_flags"),
    _yes_no("leg_weakness_progressive", "that weakness is getting worse",
            "Is that weakness getting worse over days or weeks?",
            "Only if you have leg weakness.", "red_flags", premise=LEG_WEAK),
    _yes_no("nerve_symptoms_both_legs", "the numbness, tingling or weakness is in both legs",
            "Do you have the numbness, tingling or weakness in both legs?",
            "Only if you have numbness, tingling or weakness. Both sides, even if one is worse.",
            "red_flags", premise=LEG_NERVE_SYMPTOMS),
    FieldSpec("leg_symptoms_course", COURSE,
              "whether the leg symptoms are new or getting worse, or long-standing and unchanged",
              "Are your leg symptoms new or quickly getting worse, slowly changing over months, or "
              "unchanged? (new_or_worsening, slowly_worsening, stable)",
              "Only if you have leg pain, numbness or weakness. new_or_worsening: began in the "
              "last two weeks, or worse over days. slowly_worsening: began longer ago and is "
              "gradually worse over months. stable: unchanged for three months or more.",
              "red_flags", premise=LEG_SYMPTOMS),
    _yes_no("significant_trauma", "major trauma such as a fall from height or a road accident",
            "Did your pain start after a major injury, such as a fall from a height or a road accident?",
            "A big force, not an everyday twist or lift.", "red_flags"),
    _yes_no("history_of_cancer", "any past or current cancer",
            "Have you ever had cancer?", "Any cancer, past or present.", "red_flags"),
    _yes_no("cancer_non_melanoma_skin_only", "the only cancer was a non-melanoma skin cancer",
            "Was your only cancer a non-melanoma skin cancer (a basal or squamous cell skin cancer)?",
            "Only if you have had a cancer. Melanoma, or any other cancer, means no.",
            "red_flags", premise=CANCER),
    _yes_no("unexplained_weight_loss", "weight loss without trying",
            "Have you lost weight without trying?",
            "Noticeable loss not explained by diet or exercise.", "red_flags"),
    _yes_no("night_pain", "pain at night that does not ease with rest or a change of position",
            "Do you have pain at night that does not settle when you rest or change position?",
            "Constant night pain, not just discomfort when rolling over.", "red_flags"),
    _yes_no("thoracic_pain", "pain in the middle or upper back",
            "Do you have pain in the middle or upper back, between your shoulder blades or at the "
            "level of your ribs?", "As well as, or instead of, the low back.", "red_flags"),
    _yes_no("fever", "fever or feeling systemically unwell",
            "Do you have a fever, or feel generally unwell?",
            "High temperature, sweats, shivers or feeling ill all over.", "red_flags"),
    _yes_no("immunosuppressed", "immunosuppression (medication, HIV, transplant)",
            "Is your immune system weakened (for example by medication, HIV or a transplant)?",
            "Includes chemotherapy and drugs that damp the immune system.", "red_flags"),
    _yes_no("iv_drug_use", "intravenous drug use",
            "Do you inject drugs?", "Current or recent intravenous drug use.", "red_flags"),
    _yes_no("osteoporosis", "known osteoporosis",
            "Have you been told you have osteoporosis (thin bones)?",
            "A diagnosis from a bone scan or a doctor.", "red_flags"),
    _yes_no("long_term_steroids", "long-term oral corticosteroid use",
            "Have you taken steroid tablets (such as prednisolone) for three months or more?",
            "Tablets, now or in the past year, not inhalers or creams.", "red_flags"),
    # The pain pattern.
    _effect("sitting", "what sitting does to the pain", "What does sitting do to your pain?",
            "Answer worse, better or no_change."),
    _effect("standing", "what standing does to the pain", "What does standing do to your pain?",
            "Answer worse, better or no_change."),
    _effect("walking", "what walking does to the pain", "What does walking do to your pain?",
            "Answer worse, better or no_change."),
    _effect("bending_forward", "what bending forward / rounding the back does",
            "What does bending forward or rounding your back do to your pain?",
            "For example touching the toes or slumping."),
    _effect("bending_backward", "what bending backward / arching the back does",
            "What does bending backward or arching your back do to your pain?",
            "For example leaning back or lying on the stomach propped on the elbows."),
    _effect("exercise", "what exercise or movement does",
            "What does exercise or keeping on the move do to your pain?",
            "General activity, not one particular stretch."),
    _effect("rest", "what rest does", "What does resting do to your pain?",
            "Lying or sitting still for a while."),
    _yes_no("morning_pain_worst", "pain is worst first thing in the morning",
            "Is your pain at its worst first thing in the morning?",
            "Compared with the rest of the day.", "pain_pattern"),
    FieldSpec("morning_stiffness_minutes", Number(0, MINUTES_IN_DAY, whole=False, unit="minutes"),
              "how long morning stiffness lasts",
              "How many minutes does your back stay stiff after you get up?",
              "0 if you have no stiffness.", "pain_pattern"),
    _yes_no("cough_sneeze_worse", "coughing or sneezing makes the pain worse",
            "Does coughing or sneezing make your pain worse?",
            "A jolt of pain in the back or leg when coughing or sneezing.", "pain_pattern"),
    _yes_no("pain_below_knee", "leg pain reaching below the knee",
            "Does your leg pain reach below the knee?", "Only if you have leg pain.", "pain_pattern",
            premise=LEG_PAIN_PRESENT),
    _yes_no("hip_pain", "pain in the hip or groin", "Do you have pain in your hip or groin?",
            "Alongside the back pain.", "pain_pattern"),
    _yes_no("knee_pain", "knee pain alongside the back pain", "Do you have knee pain as well?",
            "Alongside the back pain.", "pain_pattern"),
    _yes_no("buttock_pain", "pain over the back of the pelvis / buttock",
            "Do you have pain over the back of your pelvis or in a buttock?",
            "Often one side, near the dimples at the base of the back.", "pain_pattern"),
    _yes_no("widespread_pain", "pain in many body regions, both sides, above and below the waist",
            "Do you have pain in many parts of your body, on both sides and above and below the waist?",
            "Not only in your back.", "pain_pattern"),
    # How the pain is affecting life: the nine STarT Back items, paraphrased (see STARTBACK_NOTE).
    *(FieldSpec(name, AGREEMENT, meaning,
                f"Thinking of the last two weeks, do you agree or disagree: \"{statement}\"",
                STARTBACK_NOTE, "psychosocial") for name, meaning, statement in (
        ("startback_leg_pain", "STarT Back 1: the pain spread down a leg in the last two weeks",
         "At some point in the last two weeks my back pain has spread down a leg."),
        ("startback_shoulder_or_neck_pain", "STarT Back 2: shoulder or neck pain in the last two weeks",
         "At some point in the last two weeks I have had pain in my shoulder or neck as well."),
        ("startback_walks_short_distances", "STarT Back 3: has walked only short distances because of the pain",
         "Because of my back pain I have walked only short distances."),
        ("startback_dresses_slowly", "STarT Back 4: has dressed more slowly than usual because of the pain",
         "Because of my back pain I have been slower than usual to get dressed."),
        ("startback_activity_feels_unsafe", "STarT Back 5: thinks being physically active is not really safe",
         "With a back like mine, being physically active is not really safe."),
        ("startback_worrying_thoughts", "STarT Back 6: worrying thoughts much of the time",
         "Much of the time my mind has been full of worrying thoughts."),
        ("startback_pain_feels_hopeless", "STarT Back 7: feels the pain is terrible and will never improve",
         "My back pain is terrible and I feel it will never get any better."),
        ("startback_no_enjoyment", "STarT Back 8: has not enjoyed all the things once enjoyed",
         "On the whole I have not enjoyed all the things I used to enjoy."),
    )),
    FieldSpec("startback_bothersomeness", BOTHERSOMENESS,
              "STarT Back 9: how bothersome the back pain has been in the last two weeks",
              "Thinking of the last two weeks, how much has your back pain bothered you overall? "
              "(not_at_all, slightly, moderately, very_much, extremely)",
              STARTBACK_NOTE, "psychosocial"),
    # History and lifestyle.
    FieldSpec("age", Number(0, OLDEST_AGE, whole=True, unit="years"), "age in years",
              "How old are you, in whole years?", "The rules were written for adults.",
              "history"),
    FieldSpec("duration_weeks", Number(0, LONGEST_EPISODE_WEEKS, whole=False, unit="weeks"),
              "how long the current episode has lasted",
              "How many weeks has this episode of your back pain lasted?", "0 if it began this week.",
              "history"),
    FieldSpec("onset", ONSET, "how the current episode began",
              "Did this episode start suddenly or come on gradually? (sudden, gradual)",
              "Sudden: from one moment or movement. Gradual: over days or weeks.", "history"),
    _yes_no("injury_at_onset", "began with lifting, twisting, a fall or a sports strain",
            "Did it start with lifting, twisting, a fall, or a strain during sport?",
            "An everyday injury; major trauma is asked separately.", "history"),
    _yes_no("fatigue_or_poor_sleep", "persistent tiredness or unrefreshing sleep",
            "Are you tired most of the time, or do you wake unrefreshed?", "For weeks, not a bad night.",
            "history"),
    _yes_no("stress_or_anxiety", "ongoing stress or anxiety", "Do you have ongoing stress or anxiety?",
            "At work, at home, or worry about the pain itself.", "history"),
    _yes_no("prolonged_sitting", "sits for most of the day", "Do you sit for most of the day?",
            "Desk work, driving, long study hours.", "history"),
    _yes_no("runner", "runs regularly", "Do you run regularly?", "Most weeks.", "history"),
    _yes_no("leg_length_discrepancy", "known difference in leg length",
            "Do you know of a difference in the length of your legs?",
            "Measured, or a clinician has told you.", "history"),
    _yes_no("falls_or_balance_problems", "a fall in the past year, or feeling unsteady on the feet",
            "Have you fallen in the past year, or do you feel unsteady on your feet?",
            "Any fall, even without injury; or needing to hold on when you walk or turn.",
            "history"),
    _yes_no("hyperextension_sport", "sport with repeated back-arching (gymnastics, dance, fast bowling...)",
            "Do you play a sport that arches your back again and again?",
            "Gymnastics, dance, fast bowling, diving, high jump and the like.", "history"),
)

VOCABULARY = Vocabulary(FIELDS, id_field="case_id")

# How the rulebook puts a condition on each field into words (``lbp rules``; see
# knowledge/wording.py).  yes/no fields: the statement a "yes" affirms.  Effect fields and
# numbers: the subject ("sitting makes the pain worse", "age is at least 50 years").
# Other choices: a statement per value.
WORDING = {
    "saddle_numbness": "there is numbness around the buttocks, genitals or inner thighs",
    "bladder_or_bowel_change": "bladder or bowel control has newly changed",
    "leg_pain": {"none": "no pain travels into either leg",
                 "one_leg": "pain travels into one leg",
                 "both_legs": "pain travels into both legs"},
    "leg_weakness": "a leg or foot is weak",
    "leg_weakness_progressive": "the leg weakness is getting worse",
    "sexual_dysfunction": "sexual function or genital feeling has newly changed",
    "nerve_symptoms_both_legs": "the numbness, tingling or weakness is in both legs",
    "leg_symptoms_course": {"new_or_worsening": "the leg symptoms are new or getting worse quickly",
                            "slowly_worsening": "the leg symptoms are slowly changing over months",
                            "stable": "the leg symptoms are long-standing and unchanged"},
    "cancer_non_melanoma_skin_only": "the only cancer was a non-melanoma skin cancer",
    "thoracic_pain": "there is pain in the middle or upper back",
    "significant_trauma": "the pain began with major trauma",
    "history_of_cancer": "there is a past or current cancer",
    "unexplained_weight_loss": "weight has been lost without trying",
    "night_pain": "night pain does not settle with rest or a change of position",
    "fever": "there is fever or feeling unwell all over",
    "immunosuppressed": "the immune system is suppressed",
    "iv_drug_use": "you inject drugs",
    "osteoporosis": "osteoporosis has been diagnosed",
    "long_term_steroids": "steroid tablets have been taken long term",
    "sitting": "sitting",
    "standing": "standing",
    "walking": "walking",
    "bending_forward": "bending forward",
    "bending_backward": "bending backward (arching)",
    "exercise": "exercise or activity",
    "rest": "rest",
    "morning_pain_worst": "the pain is worst on waking",
    "morning_stiffness_minutes": "morning stiffness",
    "cough_sneeze_worse": "coughing or sneezing makes the pain worse",
    "pain_below_knee": "the leg pain reaches below the knee",
    "leg_numbness_or_tingling": "a leg has pins and needles or numbness",
    "hip_pain": "there is hip or groin pain",
    "knee_pain": "there is knee pain",
    "buttock_pain": "there is buttock or back-of-pelvis pain",
    "widespread_pain": "pain is widespread (both sides, above and below the waist)",
    "age": "age",
    "duration_weeks": "the episode's duration",
    "onset": {"sudden": "the episode began suddenly", "gradual": "the episode came on gradually"},
    "injury_at_onset": "the episode began with a lift, twist, fall or sports strain",
    "fatigue_or_poor_sleep": "there is lasting tiredness or unrefreshing sleep",
    "stress_or_anxiety": "there is ongoing stress or anxiety",
    "prolonged_sitting": "you sit for most of the day",
    "runner": "you run regularly",
    "leg_length_discrepancy": "the legs differ in length",
    "hyperextension_sport": "you play a sport that arches the back repeatedly",
    "falls_or_balance_problems": "you have fallen in the past year or feel unsteady",
    **{name: {"agree": f"agreed: {short}", "disagree": f"disagreed: {short}"} for name, short in (
        ("startback_leg_pain", "the pain spread down a leg (STarT Back 1)"),
        ("startback_shoulder_or_neck_pain", "shoulder or neck pain as well (STarT Back 2)"),
        ("startback_walks_short_distances", "walked only short distances (STarT Back 3)"),
        ("startback_dresses_slowly", "slower getting dressed (STarT Back 4)"),
        ("startback_activity_feels_unsafe", "being active is not really safe (STarT Back 5)"),
        ("startback_worrying_thoughts", "worrying thoughts a lot of the time (STarT Back 6)"),
        ("startback_pain_feels_hopeless", "the pain is terrible and will never improve (STarT Back 7)"),
        ("startback_no_enjoyment", "has not enjoyed things (STarT Back 8)"),
    )},
    "startback_bothersomeness": {value: f"the pain bothered {value.replace('_', ' ')} (STarT Back 9)"
                                 for value in BOTHERSOMENESS.values},
}
