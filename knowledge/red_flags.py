"""Catalogue of red-flag conditions and the urgency levels they escalate to.

The source article has no red flags; these come from public guidance (NICE NG59, the
international red-flags framework of Finucane et al. 2020, the GIRFT suspected cauda
equina pathway, NICE NG234 on spinal metastases, the NHS back pain advice, the ASAS and
Berlin inflammatory back pain criteria).  Each red-flag *rule* sets the urgency of what it
found (one condition can be urgent by one route and an emergency by another); this
catalogue says what the condition is and, for each urgency it can reach, where the person
should go and how fast.
"""
from dataclasses import dataclass

# Urgency levels, most pressing first (contract, section 2).
URGENCY_LEVELS = ("emergency", "urgent", "routine")

# What to do at each level, in the words a worried person needs: where, how fast, what not
# to do.  Every level names an assessment by a registered physiotherapist or doctor
# (contract invariant 1), and the two lower levels say when to escalate.
URGENCY_ADVICE = {
    "emergency": "EMERGENCY: go to a hospital emergency department (A&E) today, now if you "
                 "can. If you cannot get there safely, call your local emergency number "
                 "(999 in the UK). Show the staff the warning signs listed in this result: "
                 "a doctor needs to examine you the same day. Do not wait for a GP or "
                 "physiotherapy appointment, and do not do any exercises from this screen.",
    "urgent": "URGENT: a doctor needs to see you within a day or two, sooner where a line "
              "below says so. Phone your GP practice today and ask for an urgent appointment "
              "(or use an urgent care or out-of-hours service if the practice is closed), and "
              "name the warning signs listed in this result. Do not start any exercises from "
              "this screen until a doctor has examined you. Go to an emergency department "
              "straight away if you notice numbness between your legs, new trouble passing "
              "urine or controlling your bladder or bowels, a change in genital sensation, or "
              "pain, numbness or weakness in both legs that comes on suddenly or gets worse "
              "over days.",
    "routine": "Book an assessment with a registered physiotherapist or doctor; it does not "
               "need to be urgent. They can examine your back, confirm or rule out what this "
               "screen suggests and choose the exercises and the dose that suit you. Stop "
               "any exercise that sends pain further down a leg. Go to an emergency "
               "department straight away if you notice numbness between your legs, new "
               "trouble passing urine or controlling your bladder or bowels, a change in "
               "genital sensation, or pain, numbness or weakness in both legs that comes on "
               "suddenly or gets worse over days.",
}


@dataclass(frozen=True)
class RedFlagCondition:
    id: str
    name: str
    description: str
    referrals: dict  # urgency level -> where to go and how fast, for the levels its rules reach
    source: str


RED_FLAG_CONDITIONS = {c.id: c for c in (
    RedFlagCondition(
        "cauda_equina", "Suspected cauda equina syndrome",
        "Pressure on the bundle of nerve roots at the bottom of the spinal canal, which can "
        "leave permanent bladder, bowel, sexual and leg problems if not relieved quickly.",
        {"emergency": "emergency department today for same-day examination and an MRI "
                      "scan; do not wait to see whether it settles",
         "urgent": "a doctor within a day or two to examine the nerves of both legs; go to "
                   "an emergency department at once if numbness between the legs, any "
                   "bladder, bowel or sexual change appears, or the leg symptoms spread or "
                   "get worse"},
        "[girft_ces_2023]; [nhs_back_pain]; [finucane_2020]"),
    RedFlagCondition(
        "progressive_neurological_deficit", "Progressive neurological deficit",
        "Nerve function in a leg is getting worse, which needs prompt medical review.",
        {"emergency": "emergency department today: weakness that is getting worse with "
                      "symptoms in both legs needs same-day examination and an MRI scan",
         "urgent": "a doctor within a day or two to test leg strength and sensation; the same "
                   "day if the weakness is getting worse quickly or spreads to both legs"},
        "[nice_cks_sciatica]; [finucane_2020]"),
    RedFlagCondition(
        "malignancy", "Possible spinal malignancy",
        "Back pain that may come from a cancer in, or spreading to, the spine.",
        {"emergency": "today, without waiting: phone your cancer team's acute oncology or "
                      "spinal cord compression advice line now, or go to an emergency "
                      "department; an MRI scan of the whole spine is needed within 24 hours",
         "urgent": "a doctor within a few days, who can arrange blood tests and an X-ray or "
                   "scan; if a cancer team looks after you, phone their advice line today"},
        "[finucane_2020]; [nice_ng234]; [nhs_back_pain]"),
    RedFlagCondition(
        "infection", "Possible spinal infection",
        "Back pain that may come from an infection of the spine, the disc or the space "
        "around the spinal cord.",
        {"emergency": "emergency department today for blood tests and a scan, because a "
                      "spinal infection in these circumstances can damage the nerves within "
                      "hours",
         "urgent": "a doctor today or tomorrow to check for infection and arrange blood "
                   "tests; the emergency department if you feel very unwell or a fever or "
                   "leg weakness appears"},
        "[finucane_2020]; [nhs_back_pain]; [nice_ng59]"),
    RedFlagCondition(
        "fracture", "Possible vertebral fracture",
        "A broken vertebra, after a big injury or, in weaker bone, after a small one.",
        {"emergency": "emergency department today after a major injury, for examination and "
                      "an X-ray or scan",
         "urgent": "a doctor within a few days for an X-ray or scan of the spine"},
        "[finucane_2020]; [nhs_back_pain]; [nice_ng59]"),
    RedFlagCondition(
        "inflammatory_disease", "Inflammatory back pain",
        "A pattern that fits an inflammatory arthritis of the spine, such as axial "
        "spondyloarthritis.",
        {"routine": "your GP, who can refer you to a rheumatologist (a specialist in "
                    "inflammatory joint disease) for assessment; exercise usually helps "
                    "this kind of back pain, so any exercise advice in this result "
                    "still applies"},
        "[asas_ibp_2009]; [rudwaleit_berlin_2006]; [nice_ng59]"),
)}
