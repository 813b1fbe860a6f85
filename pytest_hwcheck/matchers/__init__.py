"""Matchers: factories that turn a concept into a check of answer text (see each module)."""
