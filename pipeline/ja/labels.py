"""Material labels: the words an administrative paper prints at its top right to say what it
is within a packet — 資料2 (a handout of a meeting), 別紙 / 別添 (an attachment to the document
before it), 参考資料 / 参考 (background material).

A handout label (資料N) marks a document's own first page; an attachment label marks a page
that belongs to the document before it.
"""

from __future__ import annotations

import re

HANDOUT = ("資料", "参考資料")  # a meeting's handouts
ATTACHMENT = ("別紙", "別添", "参考")  # pages attached to a document

# 資料2, 別紙, 参考資料1 as a whole line or at the end of one (2017年2月 資料2).
MATERIAL_LABEL = re.compile(r"(資料|別紙|別添|参考資料)[0-9]*$")
# A heading that says the page is material for a meeting: 文教児童委員会資料, 議案説明資料.
MATERIAL_HEADING = re.compile(r"(?:委員会|会議|説明|配付|配布|参考)資料[0-9-]*$")
# A numbered handout label at the end of a line: 資料2.
NUMBERED_HANDOUT = re.compile(r"資料[0-9]+$")
# A line that opens with an attachment label: 別紙1, (別添), 参考.
ATTACHMENT_START = re.compile(rf"^\(?(?:{'|'.join(ATTACHMENT)})")
