"""Text from the data as an XML file may hold it."""

from __future__ import annotations

import re

# Characters XML 1.0 cannot hold at all, escaped or not (YAML text has none in practice; a stray one
# would make a file no platform can open).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def xml_text(text: str) -> str:
    """text without the characters XML 1.0 forbids; escaping is left to the XML writer."""
    return _NOT_XML.sub("", text)
