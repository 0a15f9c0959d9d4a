"""One router per model, and the probes (`health`)."""
