"""Exercise advice."""
TOPIC = "exercises"
RULES = []
