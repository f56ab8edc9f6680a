"""Red flags: warning signs of serious spinal pathology, each with its urgency.

The source article has none; these rules come from public guidance (see each rule's
source).  Each rule concludes one ``RedFlag`` naming the condition, the urgency and the
warning sign found (``flag``).  The safety rules then take the most pressing urgency.

Decided openly (each decision is also in the rule's rationale):

- Cauda equina: saddle numbness alone, or a new bladder or bowel change alone, is an
  emergency (NHS: 999 / A&E; GIRFT: same-day assessment and MRI).  Pain in both legs with
  numbness, tingling or weakness is an emergency too.  Pain in both legs *without* any
  answer about nerve symptoms is urgent, not an emergency: it is also the everyday picture
  of spinal stenosis, and the urgent advice says to go to A&E at once if CES symptoms appear.
  Pain in one leg alone is not a red flag (it is ordinary sciatica).
- Progressive weakness is urgent; with pain in both legs it is an emergency (NHS: weakness
  in both legs that is getting worse).  The answer "weakness is getting worse" counts on its
  own, since it cannot be true without weakness.
- Malignancy: a history of cancer is the strongest single indicator and is urgent at any
  age (NICE NG234 asks for prompt imaging of new spinal pain after cancer); unexplained
  weight loss is urgent (NHS); night pain is urgent only at 50 or over, because on its own it
  is common in mechanical and inflammatory back pain.  Age alone is never a flag.
- Infection: fever is urgent (NHS: urgent GP or 111).  Fever with immunosuppression or
  injecting drug use, or fever with leg weakness, is an emergency: that is the group in
  which spinal and epidural infection is found and can injure the nerves within hours.
  Immunosuppression or drug use without fever is a risk factor, not a warning sign.
- Fracture: major trauma is an emergency (NHS: A&E after a serious accident).  A minor
  injury, or a sudden onset, in fragile bone (osteoporosis, long-term steroids; for a minor
  injury also age 65 or over) is urgent.
- Inflammatory disease: routine rheumatology referral, by the ASAS inflammatory back pain
  criteria (4 of 5 in back pain of 12 weeks or more) or by the Berlin pair of morning
  stiffness of half an hour or more plus better with exercise but not with rest (under 45,
  12 weeks or more).  Exercise advice stays: it helps inflammatory back pain.
"""
from engine.conditions import answer, any_of, at_least_value
from engine.rulebook import conclude
from knowledge.facts import RedFlag
from knowledge.rules.criteria import (
    ASAS_IBP_MAX_AGE, ASAS_IBP_MIN_ITEMS, ASAS_INFLAMMATORY_BACK_PAIN, AXIAL_SPA_MAX_AGE,
    BERLIN_INFLAMMATORY_BACK_PAIN, CHRONIC_WEEKS,
)
from knowledge.rules.phases import FINDINGS, rule

TOPIC = "safety"

FRAGILE_BONE_AGE = 65        # Finucane 2020: older age raises fracture risk after minor injury
MALIGNANCY_AGE = 50          # age at which night pain counts as a malignancy warning sign


def _flag(id, title, condition, urgency, flag, when, rationale, source):
    return rule(id, title, topic=TOPIC, phase=FINDINGS, when=when,
                then=[conclude(RedFlag, condition=condition, urgency=urgency, flag=flag)],
                rationale=rationale, source=source)


FRAGILE_BONE = (answer("osteoporosis", "yes"), answer("long_term_steroids", "yes"))

RULES = [
    # Cauda equina syndrome.
    _flag("R-FLAG-CES-SADDLE-NUMBNESS", "Suspected cauda equina: saddle numbness",
          "cauda_equina", "emergency", "saddle_numbness",
          [answer("saddle_numbness", "yes")],
          "Altered feeling where a saddle would touch is one of the earliest signs that the "
          "nerve roots to the bladder and bowel are being squeezed. On its own, with back "
          "pain, it calls for same-day examination and an MRI scan: waiting for other "
          "symptoms risks permanent loss of function.",
          "[girft_ces_2023]; [nhs_back_pain] 999 or A&E; [finucane_2020] cauda equina"),
    _flag("R-FLAG-CES-BLADDER-BOWEL", "Suspected cauda equina: new bladder or bowel change",
          "cauda_equina", "emergency", "bladder_or_bowel_change",
          [answer("bladder_or_bowel_change", "yes")],
          "New difficulty starting or stopping urine, leaking, or losing bowel control, "
          "alongside back pain, can mean the lowest nerve roots are compressed. It is an "
          "emergency by itself; once retention or incontinence is established, recovery is "
          "much less likely.",
          "[girft_ces_2023]; [nhs_back_pain] 999 or A&E; [finucane_2020] cauda equina"),
    _flag("R-FLAG-CES-BILATERAL-NERVE-SYMPTOMS",
          "Suspected cauda equina: pain in both legs with numbness, tingling or weakness",
          "cauda_equina", "emergency", "bilateral_leg_nerve_symptoms",
          [answer("leg_pain", "both_legs"),
           any_of(answer("leg_numbness_or_tingling", "yes"), answer("leg_weakness", "yes"))],
          "Nerve symptoms in both legs mean more than one nerve root is affected, which a "
          "single disc bulge to one side does not explain; a large central compression "
          "must be ruled out the same day. Decided openly: the case gives numbness and "
          "weakness for 'a leg', so with pain in both legs they are read as part of a "
          "two-sided picture, erring towards safety.",
          "[nhs_back_pain] 999 or A&E (both legs); [girft_ces_2023]; [finucane_2020]"),
    _flag("R-FLAG-CES-BILATERAL-LEG-PAIN", "Cauda equina risk: pain in both legs",
          "cauda_equina", "urgent", "bilateral_leg_pain",
          [answer("leg_pain", "both_legs")],
          "Pain into both legs can be an early stage of cauda equina compression, but without "
          "numbness, tingling or weakness it is also the usual picture of narrowing of the "
          "spinal canal. Decided openly: urgent medical review rather than the emergency "
          "department, with clear advice to go at once if saddle numbness or a bladder or "
          "bowel change appears. Pain in one leg alone is ordinary sciatica and raises no "
          "flag.",
          "[nhs_back_pain]; [girft_ces_2023] safety-netting; [nice_cks_sciatica]; "
          "[project] escalation"),
    # Progressive neurological deficit.
    _flag("R-FLAG-NEURO-PROGRESSIVE-WEAKNESS", "Progressive deficit: leg weakness getting worse",
          "progressive_neurological_deficit", "urgent", "progressive_leg_weakness",
          [answer("leg_weakness_progressive", "yes")],
          "A weak leg that is getting weaker shows a nerve root losing function; it needs a "
          "doctor's examination within a day or two, not a trial of exercises. The answer "
          "'getting worse' is enough on its own, because worsening weakness implies weakness. "
          "Stable weakness, without worsening, is not flagged here.",
          "[nice_cks_sciatica] progressive neurological deficit; [finucane_2020]"),
    _flag("R-FLAG-NEURO-PROGRESSIVE-BILATERAL",
          "Progressive deficit: worsening weakness with pain in both legs",
          "progressive_neurological_deficit", "emergency", "progressive_weakness_both_legs",
          [answer("leg_weakness_progressive", "yes"), answer("leg_pain", "both_legs")],
          "Worsening weakness together with symptoms in both legs points to compression of "
          "several roots at once, the picture of evolving cauda equina syndrome; it needs "
          "same-day assessment.",
          "[nhs_back_pain] 999 or A&E (weakness in both legs getting worse); "
          "[girft_ces_2023]; [finucane_2020]"),
    # Malignancy.
    _flag("R-FLAG-MALIGNANCY-CANCER-HISTORY", "Possible malignancy: history of cancer",
          "malignancy", "urgent", "history_of_cancer",
          [answer("history_of_cancer", "yes")],
          "A past or current cancer is the strongest single warning sign for a spinal "
          "tumour: it raises the chance from well under 1 in 100 to nearly 1 in 10. Decided "
          "openly: urgent at any age, because spread to the spine is not limited to older "
          "people; age 50 or over raises the suspicion further but does not change what to "
          "do.",
          "[finucane_2020] malignancy; [nice_ng234] recognition of spinal metastases"),
    _flag("R-FLAG-MALIGNANCY-WEIGHT-LOSS", "Possible malignancy: unexplained weight loss",
          "malignancy", "urgent", "unexplained_weight_loss",
          [answer("unexplained_weight_loss", "yes")],
          "Losing weight without trying is a sign of illness affecting the whole body, "
          "cancer among the causes; with back pain it warrants a prompt medical review and "
          "blood tests.",
          "[nhs_back_pain] urgent GP or 111; [finucane_2020] malignancy"),
    _flag("R-FLAG-MALIGNANCY-NIGHT-PAIN-AGE",
          f"Possible malignancy: unremitting night pain at {MALIGNANCY_AGE} or over",
          "malignancy", "urgent", "night_pain_age_50_or_over",
          [answer("night_pain", "yes"), at_least_value("age", MALIGNANCY_AGE)],
          f"Pain at night that rest and turning do not ease is unlike mechanical back pain; "
          f"from {MALIGNANCY_AGE}, when spinal tumours become more common, the two together "
          f"call for a prompt medical review. Decided openly: night pain alone is not "
          f"flagged, because it is also a feature of inflammatory back pain in younger "
          f"people and alone it predicts little.",
          "[nhs_back_pain] urgent GP or 111; [finucane_2020] malignancy (age over 50)"),
    # Infection.
    _flag("R-FLAG-INFECTION-FEVER-RISK",
          "Possible spinal infection: fever with immunosuppression or injecting drug use",
          "infection", "emergency", "fever_with_infection_risk",
          [answer("fever", "yes"),
           any_of(answer("immunosuppressed", "yes"), answer("iv_drug_use", "yes"))],
          "Fever and back pain in someone whose immune system is weakened or who injects "
          "drugs is the group in which spinal and epidural infection is found, and an "
          "abscess can damage the nerves within hours. Decided openly: an emergency, not "
          "only urgent, because a day's delay is what turns a treatable infection into "
          "paralysis or sepsis.",
          "[finucane_2020] infection; [nhs_back_pain]; [project] escalation"),
    _flag("R-FLAG-INFECTION-FEVER-WEAKNESS", "Possible spinal infection: fever with leg weakness",
          "infection", "emergency", "fever_with_leg_weakness",
          [answer("fever", "yes"),
           any_of(answer("leg_weakness", "yes"), answer("leg_weakness_progressive", "yes"))],
          "Back pain, fever and weakness together are the warning triad of an epidural "
          "abscess pressing on the nerves; it needs same-day scanning.",
          "[finucane_2020] infection; [nhs_back_pain]"),
    _flag("R-FLAG-INFECTION-FEVER", "Possible spinal infection: fever with back pain",
          "infection", "urgent", "fever",
          [answer("fever", "yes")],
          "A high temperature or feeling unwell all over, together with back pain, can come "
          "from an infection of the spine or from an infection elsewhere (such as the "
          "kidneys); either way a doctor should check within a day or two. Decided openly: "
          "fever alone is urgent, not an emergency; immunosuppression or injecting drug use "
          "alone, without fever, is a risk factor rather than a warning sign and raises no "
          "flag.",
          "[nhs_back_pain] urgent GP or 111; [finucane_2020] infection"),
    # Fracture.
    _flag("R-FLAG-FRACTURE-MAJOR-TRAUMA", "Possible fracture: major trauma",
          "fracture", "emergency", "significant_trauma",
          [answer("significant_trauma", "yes")],
          "Back pain that began with a fall from a height, a road accident or a similar "
          "force can mean a broken or unstable spine, whatever the person's age; it needs "
          "examination and imaging in an emergency department, not exercises.",
          "[nhs_back_pain] 999 or A&E (serious accident); [finucane_2020] fracture"),
    _flag("R-FLAG-FRACTURE-MINOR-INJURY-FRAGILE-BONE",
          "Possible fracture: minor injury with osteoporosis, long-term steroids or age "
          f"{FRAGILE_BONE_AGE}+",
          "fracture", "urgent", "minor_injury_with_fragile_bone",
          [answer("injury_at_onset", "yes"),
           any_of(*FRAGILE_BONE, at_least_value("age", FRAGILE_BONE_AGE))],
          f"In bone weakened by osteoporosis, by months of steroid tablets or by age "
          f"({FRAGILE_BONE_AGE} or over), a lift, a twist or a small fall can crack a "
          f"vertebra. An X-ray or scan within days tells a fracture from a strain before "
          f"exercise loads it.",
          "[finucane_2020] fracture (older age, osteoporosis, corticosteroid use)"),
    _flag("R-FLAG-FRACTURE-SUDDEN-ONSET-FRAGILE-BONE",
          "Possible fracture: sudden onset with osteoporosis or long-term steroids",
          "fracture", "urgent", "sudden_onset_with_fragile_bone",
          [answer("onset", "sudden"), any_of(*FRAGILE_BONE)],
          "Fragile vertebrae can collapse with no injury at all, from a cough or bending to "
          "pick something up; pain that starts suddenly in someone with osteoporosis or on "
          "long-term steroids should be imaged within days.",
          "[finucane_2020] fracture; [nice_ng59]"),
    # Inflammatory disease.
    _flag("R-FLAG-INFLAMMATORY-ASAS", "Features of inflammatory back pain: four of the five ASAS items",
          "inflammatory_disease", "routine", "inflammatory_back_pain_asas",
          ASAS_INFLAMMATORY_BACK_PAIN,
          f"Back pain for {CHRONIC_WEEKS} weeks or more with at least {ASAS_IBP_MIN_ITEMS} of the "
          f"five ASAS features (began before {ASAS_IBP_MAX_AGE}, came on gradually, eases with "
          f"exercise, does not ease with rest, pain at night) fits inflammatory arthritis of "
          f"the spine. It is not an emergency but deserves a rheumatologist's opinion, since "
          f"early treatment protects the spine. Current age under {ASAS_IBP_MAX_AGE} stands in "
          f"for onset under {ASAS_IBP_MAX_AGE}; an older person can still meet the other four.",
          "[asas_ibp_2009]; [nice_ng59] (exclude inflammatory causes)"),
    _flag("R-FLAG-INFLAMMATORY-BERLIN",
          "Features of inflammatory back pain: long morning stiffness, better with exercise not rest",
          "inflammatory_disease", "routine", "inflammatory_back_pain_berlin",
          BERLIN_INFLAMMATORY_BACK_PAIN,
          f"In someone under {AXIAL_SPA_MAX_AGE} with back pain for {CHRONIC_WEEKS} weeks or "
          f"more, stiffness lasting half an hour or longer after waking together with pain "
          f"that eases with exercise but not with rest meets two of the four Berlin "
          f"criteria, enough to suspect axial spondyloarthritis and ask for a "
          f"rheumatology opinion.",
          "[rudwaleit_berlin_2006]; [asas_ibp_2009] (onset before 45)"),
]
