"""Catalogue of the nineteen exercises in the source article, in the article's order.

Each entry records what the exercise works, short steps written for this project (the
article's wording is not reused), whether the article calls it an advanced movement, the
direction it takes the lower back, the article's own warnings about it, and the article
section it comes from.  Result lists follow this order.

Decided openly (the rules in ``knowledge/rules/exercises.py`` repeat these in their
rationales, and the README summarises them):

- Direction.  The article names directions only for its two responder sets and in four
  warnings.  Every other exercise was classified here by what it does to the lower back,
  with the reason in ``direction_reason``.  The four article warnings all agree with the
  classification: each one warns the responder type whose aggravating direction the
  exercise moves in.  ``cat_cow`` alternates both ways and is neutral; the hip-flexor
  stretches (``hip_flexor_stretch``, ``kneeling_hip_flexor_stretch``, ``pigeon_pose``) count
  as extension, because opening the front of the hip pulls the lower back into an arch,
  which is why the article warns flexion responders about the kneeling version.  The
  ``seated_spinal_twist`` counts as flexion: it is done sitting on the floor with the legs
  long, a position that rounds the lower back before the twist starts.  ``happy_baby``
  counts as flexion too: drawing the knees towards the chest flattens the lower back.
- "3 Exercises for Flexion Responders" lists only two.  The catalogue keeps the article's
  list as it is (``article_set`` is "flexion" for those two only) and does not guess which
  third exercise was meant.  Flexion responders still get more than two, because the rules
  offer every flexion-direction stretch of the general list (see below), so nothing
  depends on the missing third.
- General-list stretches and responder types.  The article's fourteen general stretches are
  not assigned to a type, apart from its four warnings.  This project offers each
  non-advanced one to the responder type whose easing direction it moves in: so ``cobra``
  and ``kneeling_hip_flexor_stretch`` (extension movements the article warns only flexion
  responders about) are recommended to extension responders, and ``childs_pose`` and
  ``wide_legged_forward_fold`` (flexion movements it warns only extension responders
  about) to flexion responders.  Neutral stretches are tied to no type; the hip rules
  offer them when a hip finding calls for them.
- Advanced movements (``three_legged_dog``, ``kneeling_side_bend``, ``pigeon_pose``, marked
  so by the article) are never recommended outright; when a finding calls for one it goes
  to the caution list with a reason that starts "Advanced movement".  A flexion responder
  also finds ``pigeon_pose`` under caution, because it arches the back.
"""
from __future__ import annotations

from dataclasses import dataclass

EXTENSION = "extension"
FLEXION = "flexion"
NEUTRAL = "neutral"
DIRECTIONS = (EXTENSION, FLEXION, NEUTRAL)

STRETCH_SECTION = "[article] Stretches for lower back and hip pain"


@dataclass(frozen=True)
class ArticleWarning:
    """A warning the article itself attaches to an exercise for one responder type:
    ``advice`` is "avoid" (the article says to avoid it) or "caution" (it may aggravate)."""

    responder: str
    advice: str
    reason: str


@dataclass(frozen=True)
class Load:
    """Something an exercise asks of the spine or body, which a case may make unsafe."""

    id: str
    name: str
    description: str
    source: str


# The loads an exercise can put on the spine and body.  Decided openly: each exercise's loads
# are this project's reading of its steps (the reason is beside each load in the entry);
# the article names none of them.  The vetoes in knowledge/rules/vetoes.py read only these.
LOADS = {load.id: load for load in (
    Load("lumbar_extension", "lumbar extension", "arches the lower back",
         "[article] Extension responders: symptoms; [project] exercise loads"),
    Load("lumbar_flexion", "lumbar flexion", "rounds the lower back",
         "[article] Flexion responders: symptoms; [project] exercise loads"),
    Load("rotation", "rotation", "twists the spine",
         "[ros_exercise_2019] twisting; [project] exercise loads"),
    Load("end_range", "end of range", "takes the lower back to, or close to, the end of its range",
         "[ros_exercise_2019] end-of-range bending; [project] exercise loads"),
    Load("loaded", "loaded spine", "the spine bends or twists while carrying the trunk's weight "
         "(sitting or standing)", "[ros_exercise_2019] loaded flexion; [project] exercise loads"),
    Load("head_below_heart", "head below heart", "the head drops below the heart, which can bring "
         "on dizziness", "[project] exercise loads (falls risk)"),
    Load("kneeling", "kneeling", "weight is taken through the knees", "[project] exercise loads"),
    Load("balance", "balance demand", "asks for balance on one leg, a narrow base or a lunge",
         "[project] exercise loads (falls risk)"),
    Load("deep_knee_flexion", "deep knee bend", "bends a knee fully under load or a pull",
         "[project] exercise loads"),
)}


@dataclass(frozen=True)
class Exercise:
    id: str
    name: str
    effect: str                 # "stretches", "strengthens" or "mobilises"
    targets: tuple[str, ...]
    steps: tuple[str, ...]
    advanced: bool
    direction: str              # extension, flexion or neutral (see the module docstring)
    direction_reason: str       # a verb phrase: "it ..." reads as a sentence
    article_set: str | None     # the responder type the article lists it for, if any
    warnings: tuple[ArticleWarning, ...]
    source: str
    loads: tuple[tuple[str, str], ...] = ()  # (load id, why this exercise puts that load)

    def load_reason(self, load: str) -> str:
        return dict(self.loads)[load]


EXERCISES = {e.id: e for e in (
    Exercise(
        "sloppy_push_up", "Sloppy push-up", effect="mobilises",
        targets=("lower back", "front of the trunk"),
        steps=("Lie face down with your palms flat beside your shoulders and the tops of your "
               "feet on the floor.",
               "Breathe in.",
               "Breathing out, straighten your arms to raise your chest, letting your hips sag "
               "and stay in contact with the floor.",
               "Lower yourself slowly and repeat as your physiotherapist advises."),
        advanced=False, direction=EXTENSION,
        direction_reason="arches the lower back while the hips stay down",
        article_set=EXTENSION, warnings=(),
        source="[article] Extension responders: exercises, sloppy push-up",
        loads=(
               ("lumbar_extension", "the lower back arches as the arms push the chest up"),
               ("end_range", "the arms straighten as far as the back allows"),)),
    Exercise(
        "standing_lumbar_extension", "Standing lumbar extension", effect="mobilises",
        targets=("lower back",),
        steps=("Stand with your feet a little wider apart than your shoulders.",
               "Rest your palms on your lower back, fingers pointing down.",
               "Lean backwards as far as you comfortably can, your hands supporting the low back.",
               "Come back up to upright."),
        advanced=False, direction=EXTENSION,
        direction_reason="bends the lower back backwards from standing",
        article_set=EXTENSION, warnings=(),
        source="[article] Extension responders: exercises, standing lumbar extensions",
        loads=(
               ("balance", "leaning back moves the weight behind the heels"),
               ("lumbar_extension", "the trunk leans backwards"),
               ("end_range", "it leans back as far as is comfortable"),
               ("loaded", "it is done standing, with the trunk's weight on the spine"),)),
    Exercise(
        "hip_flexor_stretch", "Hip flexor stretch", effect="stretches",
        targets=("hip flexors",),
        steps=("Take a long step forward with your right foot so that your feet are staggered.",
               "Tuck your tailbone under and tighten your stomach muscles.",
               "Sink into a lunge with the back foot resting on its laces, until the front of the "
               "back hip feels a stretch.",
               "Change legs and repeat."),
        advanced=False, direction=NEUTRAL,
        direction_reason="stretches the front of the hip with the tailbone tucked under, so the "
                         "lower back stays level",
        article_set=EXTENSION, warnings=(),
        source="[article] Extension responders: exercises, hip flexor stretch",
        loads=(
               ("lumbar_extension", "if the tailbone is not kept tucked the lunge arches the lower back"),
               ("kneeling", "the back knee comes down close to the floor"),
               ("balance", "it is done in a staggered lunge"),)),
    Exercise(
        "double_knee_to_chest", "Double knee-to-chest stretch", effect="stretches",
        targets=("lower back", "buttocks"),
        steps=("Lie on your back.",
               "Draw both knees up and hold them against your chest with your arms."),
        advanced=False, direction=FLEXION,
        direction_reason="rounds the lower back as both knees are hugged in",
        article_set=FLEXION, warnings=(),
        source="[article] Flexion responders: exercises, double knee-to-chest stretch",
        loads=(
               ("lumbar_flexion", "hugging both knees in rounds the lower back"),
               ("end_range", "the knees are held against the chest"),)),
    Exercise(
        "seated_forward_bend", "Seated forward bend", effect="stretches",
        targets=("lower back", "hamstrings"),
        steps=("Sit on the floor with both legs stretched out straight in front of you.",
               "Fold forward from the hips and reach your hands round the backs of your calves or "
               "ankles."),
        advanced=False, direction=FLEXION,
        direction_reason="rounds the lower back by folding forward over the legs",
        article_set=FLEXION, warnings=(),
        source="[article] Flexion responders: exercises, seated forward bend",
        loads=(
               ("lumbar_flexion", "it folds forward over straight legs"),
               ("end_range", "the hands reach round the calves or ankles"),
               ("loaded", "it is done sitting, the spine carrying the trunk as it folds"),)),
    Exercise(
        "seated_spinal_twist", "Seated spinal twist", effect="stretches",
        targets=("hips", "glutes", "lower back", "piriformis"),
        steps=("Sit on the floor with your legs long and your hands on the floor behind you.",
               "Cross your right foot over the left leg and plant it beside the outside of your "
               "left knee.",
               "Fold the left leg so that the left foot comes round towards your right hip.",
               "Hook your left elbow against the outside of your right knee to brace the twist.",
               "Turn your chest, then your head and eyes, towards the right.",
               "Come back to the middle and repeat on the other side."),
        advanced=False, direction=FLEXION,
        direction_reason="twists from a seated position on the floor, which rounds the lower "
                         "back before the turn begins",
        article_set=None, warnings=(),
        source=STRETCH_SECTION + ", 1: seated spinal twist",
        loads=(
               ("lumbar_flexion", "sitting on the floor with long legs rounds the lower back"),
               ("rotation", "the chest turns and an elbow braces the twist"),
               ("end_range", "the elbow against the knee holds the twist at its end"),
               ("loaded", "it is done sitting, the spine carrying the trunk as it turns"),)),
    Exercise(
        "happy_baby", "Happy baby", effect="stretches",
        targets=("hip adductors", "lower back"),
        steps=("Lie on your back with your head resting on the floor.",
               "Bend your knees up, let them fall apart and lift your feet off the floor.",
               "Hold the outer edge of each foot.",
               "Draw your feet down towards you so that your knees sink towards the floor beside "
               "your ribs.",
               "Keep your whole back resting on the floor."),
        advanced=False, direction=FLEXION,
        direction_reason="flattens the lower back against the floor as the knees are drawn "
                         "towards the chest",
        article_set=None, warnings=(),
        source=STRETCH_SECTION + ", 2: happy baby",
        loads=(
               ("end_range", "the hands pull the knees down beside the ribs"),
               ("lumbar_flexion", "drawing the knees down beside the ribs flattens the lower back"),)),
    Exercise(
        "childs_pose", "Child's pose", effect="stretches",
        targets=("hips", "lower back", "back", "ankles"),
        steps=("Start on your hands and knees, knees hip-width apart and big toes touching behind "
               "you.",
               "Breathe in.",
               "Breathing out, sit your hips back towards your heels.",
               "Reach the top of your head forwards so that your spine lengthens.",
               "Rest your forehead on the floor with your arms stretched out ahead."),
        advanced=False, direction=FLEXION,
        direction_reason="rounds the lower back as the hips sink back towards the heels",
        article_set=None,
        warnings=(ArticleWarning(
            EXTENSION, "avoid",
            "For an extension responder, as your answers suggest, the article advises against "
            "it: it rounds the lower back, a movement that often worsens pain in people whose answers fit your pattern."),),
        source=STRETCH_SECTION + ", 3: child's pose",
        loads=(
               ("head_below_heart", "the forehead rests on the floor"),
               ("deep_knee_flexion", "the hips sit back onto the heels"),
               ("lumbar_flexion", "the hips sink back towards the heels"),
               ("end_range", "the spine rests fully rounded with the forehead down"),
               ("kneeling", "it starts and stays on the knees"),)),
    Exercise(
        "knee_to_chest", "Knee-to-chest stretch", effect="stretches",
        targets=("lower back", "hips", "hamstrings"),
        steps=("Lie on your back with both legs straight along the floor.",
               "Keep the left leg down and pull your right knee in towards your chest.",
               "Keep your head and back resting on the floor.",
               "Change legs and repeat."),
        advanced=False, direction=FLEXION,
        direction_reason="rounds the lower back a little as one knee is pulled in",
        article_set=None, warnings=(),
        source=STRETCH_SECTION + ", 4: knee-to-chest",
        loads=(
               ("lumbar_flexion", "pulling one knee in rounds the lower back a little"),)),
    Exercise(
        "wide_legged_forward_fold", "Wide-legged standing forward fold", effect="stretches",
        targets=("lower back", "upper back", "glutes", "hamstrings"),
        steps=("Stand with your feet wide apart and your toes pointing forwards.",
               "With your knees softly bent, fold forwards and bring your hands to the floor.",
               "Let your head hang and shift your weight a little towards your toes.",
               "Stay there for about eight slow breaths, feeling the back of the legs and the low "
               "back let go.",
               "Come up slowly, uncurling the spine bit by bit."),
        advanced=False, direction=FLEXION,
        direction_reason="folds the whole spine forwards from standing",
        article_set=None,
        warnings=(ArticleWarning(
            EXTENSION, "avoid",
            "For an extension responder, as your answers suggest, the article advises against "
            "it: folding forwards rounds the lower back, a movement likely to make your pain "
            "worse."),),
        source=STRETCH_SECTION + ", 5: wide-legged standing forward fold",
        loads=(
               ("lumbar_flexion", "the whole spine folds forward from standing"),
               ("end_range", "the hands go to the floor and the head hangs"),
               ("loaded", "it is done standing, the trunk hanging from the spine"),
               ("head_below_heart", "the head hangs below the heart for several breaths"),
               ("balance", "the weight shifts towards the toes in a folded stance"),)),
    Exercise(
        "kneeling_hip_flexor_stretch", "Kneeling hip flexor stretch", effect="stretches",
        targets=("hips", "quads", "glutes"),
        steps=("Kneel on your left knee with your right foot planted on the floor in front.",
               "Ease the right foot a little further forward and tighten your core.",
               "Tuck your pelvis under, squeeze your buttocks and slowly shift your hips forwards "
               "until the front of the left hip feels a stretch.",
               "Change sides and repeat."),
        advanced=False, direction=EXTENSION,
        direction_reason="opens the front of the hip, which draws the lower back into an arch",
        article_set=None,
        warnings=(ArticleWarning(
            FLEXION, "caution",
            "The article warns it may aggravate flexion responders unless done carefully: "
            "keep the pelvis tucked under so that the lower back does not arch."),),
        source=STRETCH_SECTION + ", 6: kneeling hip flexor stretch",
        loads=(
               ("lumbar_extension", "if the pelvis is not kept tucked the lower back arches"),
               ("kneeling", "the back knee rests on the floor"),
               ("balance", "it is done in a kneeling lunge"),)),
    Exercise(
        "cat_cow", "Cat-cow stretch", effect="stretches",
        targets=("back", "hips", "abdominals", "chest", "spine"),
        steps=("Start on your hands and knees, knees hip-width apart.",
               "Round your back up towards the ceiling and let your head drop (the cat).",
               "Then let your belly sink towards the floor while your head and tailbone lift (the "
               "cow).",
               "Move slowly between the two, in time with your breathing."),
        advanced=False, direction=NEUTRAL,
        direction_reason="takes the lower back through rounding and arching in turn",
        article_set=None, warnings=(),
        source=STRETCH_SECTION + ", 7: cat cow stretch",
        loads=(
               ("end_range", "the back rounds fully in the cat"),
               ("lumbar_flexion", "the cat rounds the back"),
               ("lumbar_extension", "the cow arches the back"),
               ("kneeling", "it is done on the hands and knees"),)),
    Exercise(
        "three_legged_dog", "Three-legged dog", effect="stretches",
        targets=("hips", "shoulders", "hamstrings", "back"),
        steps=("Start in a downward dog: hands shoulder-width apart, feet hip-width apart, hips "
               "raised high and your head in line with your arms, looking towards your knees.",
               "Lift your right leg off the floor, keeping it straight.",
               "Raise it as high as you can without letting the knee bend.",
               "Keep your hips level with your shoulders and square to the floor.",
               "Lower the leg and repeat with the left."),
        advanced=True, direction=NEUTRAL,
        direction_reason="keeps the spine long while the hips and legs do the work",
        article_set=None, warnings=(),
        source=STRETCH_SECTION + ", 8: three-legged dog",
        loads=(
               ("lumbar_extension", "raising the leg as high as possible tips the pelvis and arches the back"),
               ("head_below_heart", "the hips are high and the head low"),
               ("balance", "one leg is lifted while the weight is on the hands and one foot"),)),
    Exercise(
        "glute_bridge", "Glute bridge", effect="strengthens",
        targets=("glutes",),
        steps=("Lie on your back with your knees bent, hip-width apart, and your feet flat.",
               "Bring your feet in until they sit right under your knees.",
               "Tighten your core and buttocks, press through your heels and lift your hips.",
               "Hold the hips up and level with your buttocks rather than your lower back, then "
               "lower slowly."),
        advanced=False, direction=NEUTRAL,
        direction_reason="lifts the hips with the buttocks while the lower back stays level",
        article_set=None, warnings=(),
        source=STRETCH_SECTION + ", 9: glute bridge",
        loads=()),
    Exercise(
        "kneeling_side_bend", "Kneeling side bend stretch", effect="stretches",
        targets=("groin", "hips", "inner thigh", "muscles between the ribs",
                 "abdominals, especially the obliques"),
        steps=("Kneel upright with your back straight and your core firm.",
               "Stretch the right leg straight out sideways so that it lines up with your trunk.",
               "Rest your right hand on your right leg and reach your left arm overhead.",
               "Lean your trunk and left arm over to the right without tipping forwards.",
               "Keep your hips facing forwards, then change sides."),
        advanced=True, direction=NEUTRAL,
        direction_reason="bends the trunk sideways without rounding or arching it",
        article_set=None, warnings=(),
        source=STRETCH_SECTION + ", 10: kneeling side bend stretch",
        loads=(
               ("kneeling", "it is done kneeling upright"),
               ("balance", "one leg is out to the side while the trunk leans over"),)),
    Exercise(
        "cobra", "Cobra", effect="stretches",
        targets=("hip flexors", "chest", "spinal muscles"),
        steps=("Lie face down with your big toes touching.",
               "Place your hands flat under your shoulders, elbows tucked in to your sides.",
               "Press the tops of your feet gently into the floor and tighten your core as you "
               "breathe out.",
               "Breathing in, push through your palms to lift your chest, arms almost straight "
               "with a soft bend at the elbows.",
               "Draw your shoulders down away from your ears and look slightly upwards."),
        advanced=False, direction=EXTENSION,
        direction_reason="arches the lower back as the chest is pushed up from lying face down",
        article_set=None,
        warnings=(ArticleWarning(
            FLEXION, "avoid",
            "For a flexion responder, as your answers suggest, the article advises against "
            "it: it arches the lower back, a movement that often worsens pain in people whose answers fit your pattern."),),
        source=STRETCH_SECTION + ", 11: cobra",
        loads=(
               ("lumbar_extension", "the chest is pushed up from lying face down"),
               ("end_range", "the arms almost straighten"),)),
    Exercise(
        "standing_quad_stretch", "Standing quad stretch", effect="stretches",
        targets=("quads",),
        steps=("Stand tall with your core engaged, holding a chair, table or wall for balance.",
               "Bend your left knee to bring the heel up behind you.",
               "Take hold of your left ankle with your left hand and ease the heel towards your "
               "buttock.",
               "Tuck your pelvis slightly under.",
               "If you are steady, reach the free arm up towards the ceiling; then change legs."),
        advanced=False, direction=NEUTRAL,
        direction_reason="stretches the front of the thigh with the pelvis tucked, so the "
                         "lower back stays level",
        article_set=None, warnings=(),
        source=STRETCH_SECTION + ", 12: standing quad stretch",
        loads=(
               ("deep_knee_flexion", "the heel is pulled to the buttock"),
               ("balance", "it is done standing on one leg"),)),
    Exercise(
        "lumbar_trunk_rotation", "Lumbar trunk rotation", effect="stretches",
        targets=("back", "spine", "hips", "obliques", "glutes"),
        steps=("Lie on your back with your arms out to the sides.",
               "Bend your knees with your feet flat on the floor.",
               "Tighten your stomach muscles.",
               "Let both knees roll slowly over to the right, hips staying on the floor and arms "
               "relaxed.",
               "Roll them slowly across to the left."),
        advanced=False, direction=NEUTRAL,
        direction_reason="turns the lower back gently from side to side while lying down",
        article_set=None, warnings=(),
        source=STRETCH_SECTION + ", 13: lumbar trunk twist rotation",
        loads=(
               ("rotation", "the knees roll from side to side"),)),
    Exercise(
        "pigeon_pose", "Pigeon pose", effect="stretches",
        targets=("hip flexors", "outer hips", "glutes", "lower back (psoas)"),
        steps=("Start in a downward dog with your hands shoulder-width apart.",
               "Bring your left foot forward between your hands.",
               "Lower your right knee to the floor with the top of the foot flat.",
               "Slide your left foot across towards your right hip so that the outer edge of the "
               "left leg rests on the floor.",
               "Square your hips and let the left hip sink towards the floor.",
               "Stay up on your hands, or lower onto your forearms for a deeper stretch; then "
               "change sides."),
        advanced=True, direction=EXTENSION,
        direction_reason="stretches the psoas of the back leg, which draws the lower back "
                         "into an arch",
        article_set=None, warnings=(),
        source=STRETCH_SECTION + ", 14: pigeon pose",
        loads=(
               ("lumbar_flexion", "lowering onto the forearms folds the trunk forward"),
               ("head_below_heart", "it starts from a downward dog"),
               ("balance", "a foot steps forward between the hands from a downward dog"),
               ("deep_knee_flexion", "the front knee is fully bent under the body"),
               ("lumbar_extension", "stretching the psoas of the back leg draws the lower back into an arch"),
               ("kneeling", "the back knee rests on the floor"),)),
)}
