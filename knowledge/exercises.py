"""Exercise catalogue (placeholder until the knowledge-base work)."""
EXERCISES = {}
