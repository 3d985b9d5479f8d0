"""Fetching, archiving and parsing sources. Speaks schemas/ only; never imports warehouse/."""
