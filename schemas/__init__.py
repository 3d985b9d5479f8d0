"""Shared shapes of deflator: the observation, the fetched page, units and vocabularies."""
