"""The therapist's pages on patients: they parse, authorise, call an action, render."""
