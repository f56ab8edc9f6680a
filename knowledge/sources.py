"""Where the rules come from.  Every rule's ``source`` cites one or more of these keys in
square brackets, followed by the section or item it rests on."""
from lbp_screen.engine.rulebook import Source

SOURCES = {s.key: s for s in (
    Source("article",
           "Physiotherapy clinic article on lower back and hip pain: the hip-back relationship, "
           "thirteen common causes, extension versus flexion responders, and nineteen stretches "
           "with their cautions (the project's source text; its closing advertisement is not used)."),
    Source("nice_ng59",
           "NICE guideline NG59, Low back pain and sciatica in over 16s: assessment and management "
           "(2016, updated 2020).",
           "https://www.nice.org.uk/guidance/ng59"),
    Source("finucane_2020",
           "Finucane LM, Downie A, Mercer C, et al. International framework for red flags for "
           "potential serious spinal pathologies. J Orthop Sports Phys Ther 2020;50(7):350-372.",
           "https://doi.org/10.2519/jospt.2020.9971"),
    Source("downie_2013",
           "Downie A, Williams CM, Henschke N, et al. Red flags to screen for malignancy and "
           "fracture in patients with low back pain: systematic review. BMJ 2013;347:f7095 "
           "(post-test probabilities of single red flags).",
           "https://doi.org/10.1136/bmj.f7095"),
    Source("henschke_2009",
           "Henschke N, Maher CG, Refshauge KM, et al. Prevalence of and screening for serious "
           "spinal pathology in patients presenting to primary care settings with acute low back "
           "pain. Arthritis Rheum 2009;60(10):3072-3080 (fracture red flags: age over 70, "
           "significant trauma, prolonged corticosteroid use, female sex).",
           "https://doi.org/10.1002/art.24853"),
    Source("girft_ces_2023",
           "GIRFT / NHS England with the UK Spine Societies Board, National suspected cauda "
           "equina syndrome pathway (2023): emergency assessment and MRI for new or "
           "deteriorating saddle, bladder, bowel or sexual symptoms or a progressive deficit in "
           "both legs; bilateral radicular symptoms as a warning sign; safety-netting for the "
           "rest.",
           "https://gettingitrightfirsttime.co.uk/"),
    Source("nice_ng234",
           "NICE guideline NG234, Spinal metastases and metastatic spinal cord compression (2023): "
           "recognising and referring new spinal pain in people with a history of cancer.",
           "https://www.nice.org.uk/guidance/ng234"),
    Source("nhs_back_pain",
           "NHS website, Back pain: when to ask for an urgent GP appointment or call 111, and when "
           "to call 999 or go to A&E.",
           "https://www.nhs.uk/conditions/back-pain/"),
    Source("nhs_sciatica",
           "NHS website, Sciatica: when to call 999 or go to A&E (sciatica on both sides, "
           "weakness or numbness in both legs that is severe or getting worse, saddle, bladder "
           "or bowel symptoms).",
           "https://www.nhs.uk/conditions/sciatica/"),
    Source("asas_ibp_2009",
           "Sieper J, van der Heijde D, Landewe RB, et al. New criteria for inflammatory back pain "
           "in patients with chronic back pain: a real patient exercise by experts from the "
           "Assessment of SpondyloArthritis international Society (ASAS). Ann Rheum Dis "
           "2009;68(6):784-788.",
           "https://doi.org/10.1136/ard.2008.101501"),
    Source("asas_axspa_2009",
           "Rudwaleit M, van der Heijde D, Landewe R, et al. The development of Assessment of "
           "SpondyloArthritis international Society classification criteria for axial "
           "spondyloarthritis (part II): validation and final selection. Ann Rheum Dis "
           "2009;68(6):777-783 (entry: back pain of 3 months or more beginning before 45).",
           "https://doi.org/10.1136/ard.2009.108233"),
    Source("katz_stenosis_2008",
           "Katz JN, Harris MB. Lumbar spinal stenosis. N Engl J Med 2008;358(8):818-825.",
           "https://doi.org/10.1056/NEJMcp0708097"),
    Source("nice_cks_sciatica",
           "NICE Clinical Knowledge Summary: Sciatica (lumbar radiculopathy), diagnosis section.",
           "https://cks.nice.org.uk/topics/sciatica-lumbar-radiculopathy/"),
    Source("acr_fm_2016",
           "Wolfe F, Clauw DJ, Fitzcharles MA, et al. 2016 Revisions to the 2010/2011 fibromyalgia "
           "diagnostic criteria. Semin Arthritis Rheum 2016;46(3):319-329.",
           "https://doi.org/10.1016/j.semarthrit.2016.08.012"),
    Source("long_dp_2004",
           "Long A, Donelson R, Fung T. Does it matter which exercise? A randomized control trial "
           "of exercise for low back pain. Spine 2004;29(23):2593-2602 (directional preference).",
           "https://doi.org/10.1097/01.brs.0000146464.23641.ed"),
    Source("rudwaleit_berlin_2006",
           "Rudwaleit M, Metter A, Listing J, Sieper J, Braun J. Inflammatory back pain in "
           "ankylosing spondylitis: a reassessment of the clinical history for application as "
           "classification and diagnostic criteria. Arthritis Rheum 2006;54(2):569-578 (the "
           "Berlin criteria: morning stiffness over 30 minutes, better with exercise and not "
           "with rest).",
           "https://doi.org/10.1002/art.21619"),
    Source("ros_exercise_2019",
           "Royal Osteoporosis Society. Strong, Steady and Straight: an expert consensus statement "
           "on physical activity and exercise for osteoporosis (2019; Brooke-Wavell K, et al., "
           "Br J Sports Med 2022;56:837-846): avoid loaded, end-of-range, repeated or sustained "
           "spinal flexion, especially combined with twisting.",
           "https://theros.org.uk/"),
    Source("sinaki_1984",
           "Sinaki M, Mikkelsen BA. Postmenopausal spinal osteoporosis: flexion versus extension "
           "exercises. Arch Phys Med Rehabil 1984;65(10):593-596 (more new vertebral fractures "
           "with flexion exercises).",
           "https://pubmed.ncbi.nlm.nih.gov/6487063/"),
    Source("nice_cg161",
           "NICE clinical guideline CG161, Falls in older people: assessing risk and prevention "
           "(2013): falls risk assessment for people aged 65 and over, and for anyone who has "
           "fallen or is unsteady.",
           "https://www.nice.org.uk/guidance/cg161"),
    Source("keele_startback_2008",
           "Hill JC, Dunn KM, Lewis M, et al. A primary care back pain screening tool: identifying "
           "patient subgroups for initial treatment. Arthritis Rheum 2008;59(5):632-641 (the Keele "
           "STarT Back Screening Tool; the tool and its official wording are Keele University's).",
           "https://www.keele.ac.uk/sbst/"),
    Source("hill_startback_2011",
           "Hill JC, Whitehurst DGT, Lewis M, et al. Comparison of stratified primary care "
           "management for low back pain with current best practice (STarT Back): a randomised "
           "controlled trial. Lancet 2011;378(9802):1560-1571.",
           "https://doi.org/10.1016/S0140-6736(11)60937-9"),
    Source("project",
           "lbp-screen design decision, recorded in the rule's rationale and the README "
           "(how evidence is combined, when advice is withheld, how results are worded)."),
)}
