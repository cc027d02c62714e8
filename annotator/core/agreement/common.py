"""Constants shared by the agreement modules: the token rule and small fast accessors."""

import re
from operator import attrgetter

#: The token rule of FORMATS.md.
TOKEN_PATTERN = re.compile(r"\w+|[^\w\s]")
#: The category of a token that no span of an annotator covers.
OUTSIDE = "O"

_WORD_PAIR = re.compile(r"\w\w")
_BIG = 1 << 62  # beyond every offset: a sentinel
_match_start = re.Match.start
_get_document = attrgetter("document")
_get_start = attrgetter("start")
_get_end = attrgetter("end")
_get_label = attrgetter("label")
_get_annotator = attrgetter("annotator")
