"""Catalogue of red-flag conditions and the urgency levels they escalate to.

The source article has no red flags; these come from public guidance (NICE NG59, the
international red-flags framework of Finucane et al. 2020, the NHS suspected cauda equina
pathway).  Each red-flag *rule* sets the urgency of what it found (one condition can be
urgent by one route and an emergency by another); this catalogue says what the condition
is and where the person should go.
"""
from dataclasses import dataclass

# Urgency levels, most pressing first (contract, section 2).
URGENCY_LEVELS = ("emergency", "urgent", "routine")

# What each level asks the person to do; the red flags' own referrals are added to it.
URGENCY_ADVICE = {
    "emergency": "Go to a hospital emergency department today. Do not wait for a routine "
                 "appointment, and do not start any exercise programme first.",
    "urgent": "See a doctor within the next few days (call your GP practice or an urgent "
              "care service and say which warning sign you have). Hold off any new exercise "
              "programme until then.",
    "routine": "Book an assessment with a registered physiotherapist or doctor, who can "
               "examine you, confirm or rule out these possibilities and tailor any exercises.",
}


@dataclass(frozen=True)
class RedFlagCondition:
    id: str
    name: str
    description: str
    referral: str
    source: str


RED_FLAG_CONDITIONS = {c.id: c for c in (
    RedFlagCondition(
        "cauda_equina", "Suspected cauda equina syndrome",
        "Pressure on the bundle of nerve roots at the bottom of the spinal canal, which can "
        "leave permanent bladder, bowel, sexual and leg problems if not relieved quickly.",
        "emergency department today for same-day assessment and an MRI scan",
        "[girft_ces_2023]; [nice_ng59]; [finucane_2020]"),
    RedFlagCondition(
        "progressive_neurological_deficit", "Progressive neurological deficit",
        "Nerve function in a leg is getting worse, which needs prompt specialist review.",
        "a doctor within a day or two (the same day if the weakness is worsening quickly)",
        "[nice_cks_sciatica]; [finucane_2020]"),
    RedFlagCondition(
        "malignancy", "Possible spinal malignancy",
        "Back pain that may come from a cancer in or spreading to the spine.",
        "a doctor within a few days, who can arrange urgent tests",
        "[finucane_2020]; [nice_ng59]"),
    RedFlagCondition(
        "infection", "Possible spinal infection",
        "Back pain that may come from an infection of the spine or disc.",
        "a doctor within a day or two, sooner if feeling very unwell",
        "[finucane_2020]; [nice_ng59]"),
    RedFlagCondition(
        "fracture", "Possible vertebral fracture",
        "A broken vertebra, after a big injury or, in weaker bone, after a small one.",
        "an emergency department after major trauma; otherwise a doctor within a few days "
        "for an X-ray or scan",
        "[finucane_2020]; [nice_ng59]"),
    RedFlagCondition(
        "inflammatory_disease", "Inflammatory back pain",
        "A pattern that fits an inflammatory arthritis of the spine, such as axial "
        "spondyloarthritis.",
        "a GP, who can refer to rheumatology for assessment",
        "[asas_ibp_2009]; [nice_ng59]"),
)}
