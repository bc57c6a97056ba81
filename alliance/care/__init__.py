"""Care: patients, episodes of care, sessions, the therapy frame, goals and tasks."""
