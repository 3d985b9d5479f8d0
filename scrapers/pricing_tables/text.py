"""Text clean-up shared by the HTML and Markdown readers."""

from __future__ import annotations

import re

# Zero-width and joiner characters that page builders put into headings and links.
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)
_SPACES = re.compile(r"[ \t\r\f\v\u00a0\u202f\u2009\u2007\u3000]+")


def clean_line(text: str) -> str:
    """One line of visible text: invisible characters dropped, runs of spaces collapsed."""
    return _SPACES.sub(" ", text.translate(_INVISIBLE)).strip()


def clean_block(text: str) -> str:
    """Visible text that may span lines: each line cleaned, empty lines dropped."""
    lines = (clean_line(line) for line in text.split("\n"))
    return "\n".join(line for line in lines if line)
