"""Vocabulary: curated concepts and terminologies, and deterministic linking of phrases to them."""
