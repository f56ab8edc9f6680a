"""Red flags: warning signs of serious spinal pathology, each with its urgency.

(Filled in by the safety-layer work; the foundation has none yet.)
"""
TOPIC = "safety"
RULES = []
