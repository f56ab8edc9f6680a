"""Catalogue of the thirteen possible causes named in the source article.

Each entry: the contract's id, a display name, a one-line description in this project's
words, and where the description comes from.  A cause in a result is *a possibility to
discuss with a clinician*, never a diagnosis.
"""
from dataclasses import dataclass


@dataclass(frozen=True)
class Cause:
    id: str
    name: str
    description: str
    source: str


CAUSES = {c.id: c for c in (
    Cause("sprain", "Sprain",
          "A ligament of the back has been overstretched or torn, usually by a sudden load.",
          "[article] Common causes: sprains"),
    Cause("strain", "Strain",
          "A back muscle or its tendon has been overstretched or torn, usually by a lift or twist.",
          "[article] Common causes: strains"),
    Cause("pinched_nerve", "Pinched nerve",
          "Bone, disc or soft tissue presses on a nerve root and disturbs how it works.",
          "[article] Common causes: pinched nerve"),
    Cause("fibromyalgia", "Fibromyalgia",
          "A long-lasting condition of widespread pain and tenderness, often with tiredness.",
          "[article] Common causes: fibromyalgia; [acr_fm_2016]"),
    Cause("spinal_stenosis", "Spinal stenosis",
          "The spinal canal has narrowed over the years and crowds the nerves inside it.",
          "[article] Common causes: spinal stenosis; [katz_stenosis_2008]"),
    Cause("spondylolisthesis", "Spondylolisthesis",
          "A vertebra has slipped out of line, often after a stress fracture of its arch.",
          "[article] Common causes: spondylolisthesis"),
    Cause("nerve_damage", "Nerve damage",
          "Injury or disease has harmed the nerves in the back or those serving it.",
          "[article] Common causes: nerve damage"),
    Cause("stress_anxiety", "Stress and anxiety",
          "Ongoing stress or worry, a possible contributor to discuss: it is linked with back "
          "pain that lasts longer, and a clinician can help with both.",
          "[article] Common causes: stress and anxiety; [nice_ng59] psychosocial factors"),
    Cause("tight_hip_flexors", "Tight hip flexors",
          "The muscles at the front of the hip have shortened, most often from long sitting.",
          "[article] Common causes: tight hip flexors; Relationship between hip and lower back pain"),
    Cause("herniated_disc", "Herniated disc",
          "The soft centre of a disc has pushed outwards through its weakened wall and can press "
          "on a nerve.",
          "[article] Common causes: herniated disc"),
    Cause("si_joint_dysfunction", "Sacroiliac (SI) joint dysfunction",
          "The joints linking the base of the spine to the pelvis have become too loose or too "
          "stiff to share load normally.",
          "[article] Common causes: SI joint dysfunction"),
    Cause("arthritis", "Arthritis",
          "Joint cartilage of the spine has worn down, so the bones bear load less smoothly.",
          "[article] Common causes: arthritis"),
    Cause("ankylosing_spondylitis", "Ankylosing spondylitis",
          "An inflammatory arthritis of the spinal joints that causes long morning stiffness.",
          "[article] Common causes: ankylosing spondylitis; [asas_ibp_2009]"),
)}
