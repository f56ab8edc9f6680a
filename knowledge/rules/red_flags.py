"""Red flags: warning signs of serious spinal pathology, each with its urgency and the
strength of its evidence.

The source article has none; these rules come from public guidance (see each rule's
source).  Each rule concludes one ``RedFlag`` naming the condition, the urgency and the
warning sign found (``flag``).  The safety rules then take the most pressing urgency.
``evidence`` says how much a sign weighs where the literature measured it (post-test
probabilities from Downie 2013) and says so plainly where only consensus supports it.

Decided openly in knowledge base 2.0 (each decision is also in the rule's rationale):

- Cauda equina: saddle numbness or a new bladder or bowel change, each alone, is an
  emergency; a new sexual change is urgent alone and an emergency with symptoms in both
  legs.  Numbness, tingling or weakness in both legs is an emergency unless the answers
  say it is long-standing; nerve-root pain in both legs is an emergency when new or
  quickly worsening (GIRFT / UK Spine Societies Board).  Long-standing symptoms in both
  legs are urgent only with weakness in both legs, or (for pain) when the course was not
  given; the everyday picture of spinal stenosis raises no flag and keeps the safety-net.
- Progressive weakness is urgent; with symptoms in both legs it is an emergency.
- Malignancy: a history of cancer is urgent, unless the only cancer was a non-melanoma
  skin cancer, which almost never spreads to the spine.  A history of cancer with any
  sign of cord or cauda equina compression is an emergency (NICE NG234: immediate
  contact, MRI within 24 hours): weakness, numbness or tingling, nerve-root pain below
  the knee, symptoms in both legs (unless long-standing), saddle, bladder, bowel or
  sexual change.  Unexplained weight loss is urgent; so is pain in the middle or upper
  back at 50 or over.  Night pain is no longer a malignancy sign: alone it predicts little.
- Infection: fever is urgent.  Fever with immunosuppression, long-term steroids or
  injecting drug use, or fever with leg weakness, is an emergency.  Immunosuppression,
  long-term steroids or injecting drug use with unremitting night pain is urgent even
  without fever, since many spinal infections present without one.
- Fracture: major trauma is an emergency.  A minor injury in fragile bone (osteoporosis,
  long-term steroids, age 70 or over) is urgent; so is a sudden onset in fragile bone or
  at 70 or over.
- Inflammatory disease: routine rheumatology referral, by the ASAS inflammatory back pain
  criteria (4 of 5, under 45) or the Berlin pair.  Exercise advice stays.
"""
from lbp_screen.engine.conditions import all_of_these, answer, any_of, at_least_value, one_of, unless
from lbp_screen.engine.rulebook import conclude
from lbp_screen.knowledge.facts import RedFlag
from lbp_screen.knowledge.rules.criteria import (
    ASAS_IBP_MAX_AGE, ASAS_IBP_MIN_ITEMS, ASAS_INFLAMMATORY_BACK_PAIN, AXIAL_SPA_MAX_AGE,
    BERLIN_INFLAMMATORY_BACK_PAIN, CHRONIC_WEEKS,
)
from lbp_screen.knowledge.rules.phases import FINDINGS, rule

TOPIC = "safety"

FRACTURE_AGE = 70            # Henschke 2009's older-age fracture flag (age over 70)
MALIGNANCY_AGE = 50          # age from which thoracic pain counts towards malignancy


def _flag(id, title, condition, urgency, flag, when, rationale, source, evidence):
    return rule(id, title, topic=TOPIC, phase=FINDINGS, when=when,
                then=[conclude(RedFlag, condition=condition, urgency=urgency, flag=flag)],
                rationale=rationale, source=source, evidence=evidence)


FRAGILE_BONE = (answer("osteoporosis", "yes"), answer("long_term_steroids", "yes"))
INFECTION_RISK = (answer("immunosuppressed", "yes"), answer("iv_drug_use", "yes"),
                  answer("long_term_steroids", "yes"))
BILATERAL_SYMPTOMS = any_of(answer("leg_pain", "both_legs"), answer("nerve_symptoms_both_legs", "yes"))
LEG_NERVE_SYMPTOM = any_of(answer("leg_numbness_or_tingling", "yes"), answer("leg_weakness", "yes"))
# Leg symptoms known to be long-standing: unchanged, or only slowly changing, in an episode
# of three months or more (the course answer alone is not trusted to carry the time).
NOT_ACUTE = all_of_these(one_of("leg_symptoms_course", "stable", "slowly_worsening"),
                         at_least_value("duration_weeks", CHRONIC_WEEKS))
# Unchanged for three months or more: not getting worse at all.
LONG_STANDING_STABLE = all_of_these(answer("leg_symptoms_course", "stable"),
                                    at_least_value("duration_weeks", CHRONIC_WEEKS))
ANY_LEG_PAIN = one_of("leg_pain", "one_leg", "both_legs")
# A nerve-root feature in a leg: pain below the knee, numbness, weakness, or both legs.
LEG_ROOT_FEATURE = any_of(answer("pain_below_knee", "yes"), answer("leg_numbness_or_tingling", "yes"),
                          answer("leg_weakness", "yes"), answer("nerve_symptoms_both_legs", "yes"),
                          answer("leg_pain", "both_legs"))
# Leg pain the answers place above the knee, with no nerve symptom (referred, not radicular).
ABOVE_KNEE_ONLY = all_of_these(answer("pain_below_knee", "no"), answer("leg_numbness_or_tingling", "no"),
                               answer("leg_weakness", "no"))
# A cancer history counts unless the answers say it was only a non-melanoma skin cancer.
CANCER_HISTORY = (answer("history_of_cancer", "yes"),
                  unless(answer("cancer_non_melanoma_skin_only", "yes")))

CES_CONSENSUS = ("Consensus (Finucane 2020; GIRFT 2023), no accuracy figure: single cauda "
                 "equina symptoms predict a compression poorly, in both directions, which is why "
                 "any one of them is imaged the same day.")

RULES = [
    # Cauda equina syndrome.
    _flag("R-FLAG-CES-SADDLE-NUMBNESS", "Suspected cauda equina: saddle numbness",
          "cauda_equina", "emergency", "saddle_numbness",
          [answer("saddle_numbness", "yes")],
          "Altered feeling where a saddle would touch suggests that the sacral nerve roots, "
          "which also serve the bladder and bowel, are being squeezed. With back pain it "
          "calls for same-day examination and an MRI scan: waiting for other symptoms risks "
          "permanent loss of function.",
          "[girft_ces_2023]; [nhs_back_pain] 999 or A&E; [finucane_2020] cauda equina",
          CES_CONSENSUS),
    _flag("R-FLAG-CES-BLADDER-BOWEL", "Suspected cauda equina: new bladder or bowel change",
          "cauda_equina", "emergency", "bladder_or_bowel_change",
          [answer("bladder_or_bowel_change", "yes")],
          "New difficulty starting or stopping urine, leaking, or losing bowel control, "
          "alongside back pain, can mean the lowest nerve roots are compressed. It is an "
          "emergency by itself; once retention or incontinence is established, recovery is "
          "much less likely.",
          "[girft_ces_2023]; [nhs_back_pain] 999 or A&E; [finucane_2020] cauda equina",
          CES_CONSENSUS),
    _flag("R-FLAG-CES-SEXUAL-DYSFUNCTION-WITH-OTHER-SIGNS",
          "Suspected cauda equina: new sexual change with nerve-root symptoms in a leg",
          "cauda_equina", "emergency", "sexual_dysfunction_with_bilateral_symptoms",
          [answer("sexual_dysfunction", "yes"), LEG_ROOT_FEATURE, unless(NOT_ACUTE),
           unless(ABOVE_KNEE_ONLY)],
          "A new loss of genital feeling or sexual function together with nerve-root symptoms "
          "in a leg (pain below the knee, numbness, weakness, or symptoms in both legs) points "
          "to compression of the sacral roots: same-day assessment and MRI. Decided openly: "
          "not when the answers say the leg symptoms are long-standing, or that the pain stays "
          "above the knee without nerve symptoms. (Saddle numbness or a bladder or bowel "
          "change makes it an emergency by the rules above.)",
          "[girft_ces_2023] new or deteriorating sexual dysfunction; [finucane_2020] cauda equina",
          CES_CONSENSUS),
    _flag("R-FLAG-CES-SEXUAL-DYSFUNCTION", "Cauda equina risk: new change in sexual function",
          "cauda_equina", "urgent", "sexual_dysfunction",
          [answer("sexual_dysfunction", "yes")],
          "The sacral roots that serve the bladder also serve the genitals, so a new loss of "
          "genital feeling or sexual function with back pain deserves a doctor's examination. "
          "Decided openly: urgent, not an emergency, when back pain is the only other "
          "feature, the picture the national pathway judges unlikely to be cauda equina "
          "syndrome (medicines for pain, and pain itself, are commoner causes); with a "
          "nerve-root symptom in a leg the rule above makes it an emergency.",
          "[girft_ces_2023] sexual dysfunction with back pain as the only other feature; "
          "[project] escalation",
          "Consensus (GIRFT 2023): with back pain alone it seldom means cauda equina syndrome."),
    _flag("R-FLAG-CES-NERVE-SYMPTOMS-BOTH-LEGS",
          "Suspected cauda equina: numbness, tingling or weakness in both legs, not known to be stable",
          "cauda_equina", "emergency", "nerve_symptoms_both_legs",
          [answer("nerve_symptoms_both_legs", "yes"), unless(NOT_ACUTE)],
          "Altered feeling or strength on both sides suggests several nerve roots or the "
          "central canal are involved. Unless the answers say it has been unchanged, or only "
          "slowly changing, through an episode of three months or more, a developing central "
          "compression must be ruled out the same day. Decided openly, and more cautious than "
          "the national pathway, which lists a severe or progressive deficit in both legs as "
          "the emergency: an unanswered or recent course does not lower the urgency.",
          "[nhs_sciatica] 999 (symptoms on both sides); [girft_ces_2023] deficit in both legs; "
          "[finucane_2020] cauda equina; [project] escalation",
          "Consensus; the pathway's emergency is a progressive deficit in both legs, and "
          "treating every recent one as an emergency is this project's cautious decision."),
    _flag("R-FLAG-CES-BILATERAL-NEW-OR-WORSENING",
          "Suspected cauda equina: new or quickly worsening nerve-root pain in both legs",
          "cauda_equina", "emergency", "new_or_worsening_symptoms_both_legs",
          [answer("leg_pain", "both_legs"), answer("leg_symptoms_course", "new_or_worsening"),
           unless(ABOVE_KNEE_ONLY)],
          "Nerve-root pain in both legs that began in the last two weeks or is getting worse "
          "quickly may mean a large central disc is compressing the cauda equina; it needs "
          "same-day assessment. Decided openly, more cautious than the national pathway (which "
          "lists bilateral nerve-root pain as a warning sign): pain that the answers place "
          "above the knee with no numbness, tingling or weakness (for example a strained back "
          "referring into both thighs) is not counted, and a slowly changing course is not "
          "an emergency.",
          "[nhs_sciatica] 999 (sciatica on both sides); [girft_ces_2023] bilateral radicular "
          "symptoms as a warning sign; [finucane_2020]; [project] escalation",
          "Consensus; the pathway names new bilateral nerve-root pain a warning sign, and "
          "sending it the same day is this project's cautious decision."),
    _flag("R-FLAG-CES-BILATERAL-NERVE-SYMPTOMS",
          "Cauda equina risk: pain in both legs with numbness, tingling or weakness",
          "cauda_equina", "urgent", "bilateral_leg_nerve_symptoms",
          [answer("leg_pain", "both_legs"), LEG_NERVE_SYMPTOM,
           unless(all_of_these(NOT_ACUTE, any_of(answer("nerve_symptoms_both_legs", "no"),
                                                 answer("leg_weakness", "no"))))],
          "Pain in both legs together with numbness, tingling or weakness needs a doctor to "
          "examine the nerves of both legs within a day or two, with clear advice to go to an "
          "emergency department at once if the picture changes. Decided openly: no "
          "flag when the answers say the symptoms are long-standing (stable or slowly "
          "changing) and there is no weakness in both legs (the nerve symptom is in one leg, "
          "or it is tingling or numbness without weakness): the usual picture of spinal "
          "stenosis, for which the routine advice carries the safety-net.",
          "[girft_ces_2023] safety-netting; [nice_cks_sciatica]; [project] escalation",
          "Consensus (GIRFT 2023); no accuracy figure for this combination."),
    _flag("R-FLAG-CES-BILATERAL-WEAKNESS",
          "Cauda equina risk: weakness with nerve symptoms in both legs, long-standing",
          "cauda_equina", "urgent", "weakness_with_nerve_symptoms_both_legs",
          [answer("nerve_symptoms_both_legs", "yes"), answer("leg_weakness", "yes")],
          "Weakness with altered feeling in both legs, even when it has been there for months, "
          "should be examined by a doctor within a day or two; when it is new or worsening "
          "the rule above makes it an emergency. Decided openly: long-standing tingling or "
          "numbness in both legs without weakness, common in spinal stenosis, raises no flag, "
          "with the usual advice to go to an emergency department if it changes.",
          "[girft_ces_2023]; [finucane_2020] cauda equina; [project] escalation",
          "Consensus (GIRFT 2023; Finucane 2020); no accuracy figure."),
    _flag("R-FLAG-CES-BILATERAL-NERVE-ROOT-PAIN",
          "Cauda equina risk: possible nerve-root pain in both legs, not known to be long-standing",
          "cauda_equina", "urgent", "bilateral_nerve_root_pain",
          [answer("leg_pain", "both_legs"), unless(NOT_ACUTE), unless(ABOVE_KNEE_ONLY)],
          "Pain in both legs that may be nerve-root pain, and is not known to be long-standing, "
          "needs a doctor's assessment within a day or two to ask what the screen could not; "
          "when its course was not given, the result names that question, whose answer could "
          "make it an emergency. Decided openly: no flag when the answers say it is "
          "long-standing (stable or slowly changing), or that it stays above the knee without "
          "nerve symptoms.",
          "[girft_ces_2023] safety-netting; [project] unknown is not no",
          "Consensus (GIRFT 2023); no accuracy figure."),
    # Progressive neurological deficit.
    _flag("R-FLAG-NEURO-PROGRESSIVE-WEAKNESS", "Progressive deficit: leg weakness getting worse",
          "progressive_neurological_deficit", "urgent", "progressive_leg_weakness",
          [answer("leg_weakness_progressive", "yes")],
          "A weak leg that is getting weaker suggests a nerve losing function (most often a "
          "root, occasionally the cord or a nerve in the leg); it needs a "
          "doctor's examination within a day or two, not a trial of exercises. The answer "
          "'getting worse' is enough on its own (it is asked only when there is weakness). "
          "Stable weakness, without worsening, is not flagged here.",
          "[nice_cks_sciatica] progressive neurological deficit; [finucane_2020]",
          "Consensus (NICE CKS; Finucane 2020); no accuracy figure."),
    _flag("R-FLAG-NEURO-SLOWLY-WORSENING-BOTH-LEGS",
          "Progressive deficit: numbness, tingling or weakness in both legs slowly getting worse",
          "progressive_neurological_deficit", "urgent", "slowly_worsening_nerve_symptoms_both_legs",
          [answer("nerve_symptoms_both_legs", "yes"), answer("leg_symptoms_course", "slowly_worsening")],
          "Altered feeling or strength in both legs that keeps spreading over months is not "
          "the sudden picture of cauda equina compression, but it needs a doctor within days: "
          "a neuropathy, a vitamin deficiency, diabetes or compression of the spinal cord "
          "higher up can all do it.",
          "[finucane_2020] neurological deficit; [nice_cks_sciatica]; [project] escalation",
          "Consensus (Finucane 2020); no accuracy figure for this pattern."),
    _flag("R-FLAG-NEURO-PROGRESSIVE-BILATERAL",
          "Progressive deficit: worsening weakness with symptoms in both legs",
          "progressive_neurological_deficit", "emergency", "progressive_weakness_both_legs",
          [answer("leg_weakness_progressive", "yes"), BILATERAL_SYMPTOMS],
          "Worsening weakness together with symptoms in both legs points to compression of "
          "several roots at once, the picture of evolving cauda equina syndrome; it needs "
          "same-day assessment.",
          "[nhs_back_pain] 999 or A&E (symptoms in both legs); [girft_ces_2023] progressive "
          "deficit; [finucane_2020]",
          CES_CONSENSUS),
    # Malignancy.
    _flag("R-FLAG-MALIGNANCY-CORD-COMPRESSION",
          "Suspected spinal cord or cauda equina compression in a person with cancer",
          "malignancy", "emergency", "cancer_with_neurological_symptoms",
          [*CANCER_HISTORY,
           any_of(answer("saddle_numbness", "yes"), answer("bladder_or_bowel_change", "yes"),
                  answer("sexual_dysfunction", "yes"), answer("leg_weakness_progressive", "yes"),
                  all_of_these(any_of(answer("leg_weakness", "yes"),
                                      answer("leg_numbness_or_tingling", "yes"),
                                      ANY_LEG_PAIN, BILATERAL_SYMPTOMS),
                               unless(LONG_STANDING_STABLE)))],
          "In someone who has had cancer, back pain with leg weakness, numbness or tingling, "
          "symptoms in both legs or a change in bladder, bowel or sexual function may mean a "
          "deposit in the spine is pressing on the cord or the nerve roots. NICE asks for "
          "immediate contact with the acute oncology or spinal cord compression team and an "
          "MRI within 24 hours, because walking and continence are lost within hours to days "
          "once compression progresses. Decided openly: NICE lists radicular pain, limb "
          "weakness, sensory loss and sphincter change, so any leg pain counts as possible "
          "nerve-root pain here (upper lumbar roots hurt above the knee), as does any numbness "
          "or tingling; limb symptoms that the answers say have been unchanged through an "
          "episode of three months or more (such as a chemotherapy neuropathy) do not, and "
          "stay urgent through the cancer-history rule. Slowly worsening ones still count: "
          "compression often evolves over weeks.",
          "[nice_ng234] metastatic spinal cord compression: immediate referral; [finucane_2020]",
          "Consensus (NICE NG234): urgency set by the harm of delay; a cancer history alone "
          "raises the probability of spinal malignancy to about 33% (Downie 2013)."),
    _flag("R-FLAG-MALIGNANCY-CANCER-HISTORY", "Possible malignancy: history of cancer",
          "malignancy", "urgent", "history_of_cancer",
          list(CANCER_HISTORY),
          "A past or current cancer is the strongest single warning sign for a spinal tumour. "
          "Decided openly: urgent at any age, because spread to the spine is not limited to "
          "older people; and not flagged when the answers say the only cancer was a "
          "non-melanoma skin cancer: a basal cell cancer almost never spreads, and a skin "
          "squamous cell cancer spreads in a few per cent, seldom to the spine. When that was "
          "not asked the flag stands.",
          "[finucane_2020] malignancy; [nice_ng234] new spinal pain after cancer; [downie_2013]",
          "Downie 2013: post-test probability of spinal malignancy 33% (95% CI 22-46%), the "
          "only malignancy red flag that raised it meaningfully."),
    _flag("R-FLAG-MALIGNANCY-WEIGHT-LOSS", "Possible malignancy: unexplained weight loss",
          "malignancy", "urgent", "unexplained_weight_loss",
          [answer("unexplained_weight_loss", "yes")],
          "Losing weight without trying is a sign of illness affecting the whole body, "
          "cancer among the causes; with back pain it warrants a prompt medical review and "
          "blood tests.",
          "[nhs_back_pain] urgent GP or 111; [finucane_2020] malignancy; [downie_2013]",
          "Weak: Downie 2013 found it shifted the probability of spinal malignancy little on "
          "its own; kept because guidance lists it and its other causes also need a doctor."),
    _flag("R-FLAG-MALIGNANCY-THORACIC-PAIN-AGE",
          f"Possible malignancy or fracture: mid or upper back pain at {MALIGNANCY_AGE} or over",
          "malignancy", "urgent", "thoracic_pain_age_50_or_over",
          [answer("thoracic_pain", "yes"), at_least_value("age", MALIGNANCY_AGE)],
          f"From {MALIGNANCY_AGE}, pain in the thoracic spine, where metastases most often "
          f"settle and where osteoporotic fractures are common, lies outside the mechanical "
          f"low back pattern this screen addresses and calls for a doctor's review within "
          f"days (blood tests and an X-ray or scan). Decided openly: night pain is no longer a "
          f"malignancy sign here, alone or in combination, because on its own it predicts "
          f"little; NICE's advice on thoracic pain is for people with cancer, used here by "
          f"analogy.",
          "[finucane_2020] malignancy and fracture (thoracic pain, age over 50); "
          "[nice_ng234] thoracic pain (by analogy)",
          "Consensus (Finucane 2020); no accuracy figure for thoracic pain. Age over 50 "
          "alone barely changes the probability of malignancy (Downie 2013)."),
    # Infection.
    _flag("R-FLAG-INFECTION-FEVER-RISK",
          "Possible spinal infection: fever with immunosuppression, long-term steroids or "
          "injecting drug use",
          "infection", "emergency", "fever_with_infection_risk",
          [answer("fever", "yes"), any_of(*INFECTION_RISK)],
          "Fever and back pain in someone whose immune system is weakened, by illness, by "
          "drugs or by months of steroid tablets, or who injects drugs, is a group at much "
          "higher risk of spinal and epidural infection (diabetes, recent spinal procedures "
          "and bloodstream infections raise it too, and some people have no risk factor), and "
          "an abscess can damage the nerves within hours. Decided openly: an emergency, and "
          "long-term steroids count as immunosuppression.",
          "[finucane_2020] infection; [nhs_back_pain]; [project] escalation",
          "Consensus (Finucane 2020); no accuracy figure for the combination."),
    _flag("R-FLAG-INFECTION-FEVER-WEAKNESS", "Possible spinal infection: fever with leg weakness",
          "infection", "emergency", "fever_with_leg_weakness",
          [answer("fever", "yes"),
           any_of(answer("leg_weakness", "yes"), answer("leg_weakness_progressive", "yes"))],
          "Back pain, fever and weakness together are the warning triad of an epidural "
          "abscess pressing on the nerves; it needs same-day scanning.",
          "[finucane_2020] infection; [nhs_back_pain]",
          "Consensus (Finucane 2020); the full triad is present in only a minority of "
          "abscesses, so its absence rules nothing out."),
    _flag("R-FLAG-INFECTION-FEVER", "Possible spinal infection: fever with back pain",
          "infection", "urgent", "fever",
          [answer("fever", "yes")],
          "A high temperature or feeling unwell all over, together with back pain, can come "
          "from an infection of the spine or from an infection elsewhere (such as the "
          "kidneys); either way a doctor should check within a day or two.",
          "[nhs_back_pain] urgent GP or 111; [finucane_2020] infection",
          "Consensus (Finucane 2020); fever is absent in many spinal infections."),
    _flag("R-FLAG-INFECTION-RISK-NIGHT-PAIN",
          "Possible spinal infection: infection risk with unremitting night pain, even without fever",
          "infection", "urgent", "infection_risk_with_night_pain",
          [any_of(*INFECTION_RISK), answer("night_pain", "yes")],
          "Many people with a spinal or epidural infection have no fever when first seen. In "
          "someone who injects drugs, is immunosuppressed or takes long-term steroids, back "
          "pain that rest and changing position do not ease needs a doctor and blood tests "
          "within days. Decided openly: urgent; with fever it is an emergency (above).",
          "[finucane_2020] infection (risk factors, constant pain); [project] escalation",
          "Consensus (Finucane 2020); no accuracy figure."),
    # Fracture.
    _flag("R-FLAG-FRACTURE-MAJOR-TRAUMA", "Possible fracture: major trauma",
          "fracture", "emergency", "significant_trauma",
          [answer("significant_trauma", "yes")],
          "Back pain that began with a fall from a height, a road accident or a similar "
          "force can mean a broken or unstable spine at any age; it needs "
          "examination and imaging in an emergency department, not exercises.",
          "[nhs_back_pain] 999 or A&E (serious accident); [finucane_2020] fracture; [downie_2013]",
          "Downie 2013: severe trauma, post-test probability of fracture 11% (95% CI 8-16%)."),
    _flag("R-FLAG-FRACTURE-MINOR-INJURY-FRAGILE-BONE",
          "Possible fracture: minor injury with osteoporosis, long-term steroids or age "
          f"{FRACTURE_AGE}+",
          "fracture", "urgent", "minor_injury_with_fragile_bone",
          [answer("injury_at_onset", "yes"),
           any_of(*FRAGILE_BONE, at_least_value("age", FRACTURE_AGE))],
          f"In bone weakened by osteoporosis, by months of steroid tablets or by age "
          f"({FRACTURE_AGE} or over), a lift, a twist or a small fall can crack a "
          f"vertebra. An X-ray or scan within days tells a fracture from a strain before "
          f"exercise loads it.",
          "[finucane_2020] fracture (older age, osteoporosis, corticosteroid use); [henschke_2009]; "
          "[downie_2013]",
          "Downie 2013: prolonged corticosteroid use, post-test probability 33% (95% CI "
          "10-67%); older age 9% (3-25%); several fracture red flags together up to 90%."),
    _flag("R-FLAG-FRACTURE-SUDDEN-ONSET-FRAGILE-BONE",
          "Possible fracture: sudden onset with osteoporosis or long-term steroids",
          "fracture", "urgent", "sudden_onset_with_fragile_bone",
          [answer("onset", "sudden"), any_of(*FRAGILE_BONE)],
          "Fragile vertebrae can collapse with no injury at all, from a cough or bending to "
          "pick something up; pain that starts suddenly in someone with osteoporosis or on "
          "long-term steroids should be imaged within days.",
          "[finucane_2020] fracture; [downie_2013]",
          "Downie 2013: prolonged corticosteroid use, post-test probability 33% (95% CI "
          "10-67%); osteoporosis itself was not measured there."),
    _flag("R-FLAG-FRACTURE-SUDDEN-ONSET-OLDER-AGE",
          f"Possible fracture: sudden onset at {FRACTURE_AGE} or over",
          "fracture", "urgent", "sudden_onset_age_70_or_over",
          [answer("onset", "sudden"), at_least_value("age", FRACTURE_AGE)],
          f"Many osteoporotic fractures of the spine happen with no fall or only a trivial "
          f"one, often in people who were never told their bones were thin. Decided openly: "
          f"at {FRACTURE_AGE} or over a sudden onset, with or without a minor injury, is "
          f"enough for an X-ray within days; below that age it needs known fragile bone (the "
          f"rules above). Female sex and an earlier fragility fracture also raise the risk, "
          f"but the case records neither, so one age threshold is set for everyone.",
          "[finucane_2020] fracture (older age, sudden onset); [henschke_2009] age over 70; "
          "[downie_2013]; [project] age threshold",
          "Downie 2013: older age, post-test probability of fracture 9% (95% CI 3-25%); "
          "sudden onset adds to it (Finucane 2020)."),
    # Inflammatory disease.
    _flag("R-FLAG-INFLAMMATORY-ASAS", "Features of inflammatory back pain: four of the five ASAS items",
          "inflammatory_disease", "routine", "inflammatory_back_pain_asas",
          ASAS_INFLAMMATORY_BACK_PAIN,
          f"Back pain for {CHRONIC_WEEKS} weeks or more with at least {ASAS_IBP_MIN_ITEMS} of the "
          f"five ASAS features (began before {ASAS_IBP_MAX_AGE}, came on gradually, eases with "
          f"exercise, does not ease with rest, pain at night) fits inflammatory arthritis of "
          f"the spine. It is not an emergency but deserves a rheumatologist's opinion, since "
          f"early treatment protects the spine. The criteria were built on back pain that "
          f"began before {AXIAL_SPA_MAX_AGE}, so the rule asks for an age under "
          f"{AXIAL_SPA_MAX_AGE}; the current age stands in for the age at onset.",
          "[asas_ibp_2009]; [asas_axspa_2009] (onset before 45); [nice_ng59] (exclude inflammatory causes)",
          "ASAS 2009 validation (648 patients): four of five items, sensitivity 79.6% and "
          "specificity 72.4% for inflammatory back pain as the rheumatologist judged it (a "
          "pattern, not a diagnosis)."),
    _flag("R-FLAG-INFLAMMATORY-BERLIN",
          "Features of inflammatory back pain: long morning stiffness, better with exercise not rest",
          "inflammatory_disease", "routine", "inflammatory_back_pain_berlin",
          BERLIN_INFLAMMATORY_BACK_PAIN,
          f"In someone under {AXIAL_SPA_MAX_AGE} with back pain for {CHRONIC_WEEKS} weeks or "
          f"more, stiffness lasting more than half an hour after waking together with pain "
          f"that eases with exercise but not with rest meets two of the four Berlin "
          f"criteria, enough to suspect axial spondyloarthritis and ask for a "
          f"rheumatology opinion.",
          "[rudwaleit_berlin_2006]; [asas_ibp_2009] (onset before 45)",
          "Rudwaleit 2006: two of the four Berlin items, sensitivity 70% and specificity 81% "
          "(positive likelihood ratio about 3.7) for ankylosing spondylitis."),
]
