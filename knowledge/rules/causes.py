"""Possible causes (the article's thirteen)."""
TOPIC = "causes"
RULES = []
