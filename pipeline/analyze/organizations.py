"""Known organization names: to tell an issuer line from an addressee line, to cut a signer's
personal name off (南国市長平山耕三 → 南国市長), and to correct an OCR misreading in an issuer name
when the correction is unambiguous (厚生労働省保険局医療諜長 → 厚生労働省保険局医療課長).

The names come from data, not code:
- `pipeline/data/organizations.csv` (reviewed by hand): ministries, agencies, commissions and the
  bureaus and divisions that issue notices, each under its parent (保険局 under 厚生労働省: the
  name 厚生労働省保険局); with the heads of each (局長, 課長, 大臣 for a 省, 長官 for a 庁);
- `localgovjp-utf8.csv` and `prefjp-utf8.csv`: every prefecture (東京都, 知事, 議会) and local
  government (南国市, 南国市長, 南国市議会; designated-city wards as 札幌市中央区).

The page text always keeps what OCR read; only the `issuer` field is corrected.
"""

from __future__ import annotations

import csv
import io
import re
from functools import lru_cache
from importlib import resources

# How an organization's or official's name ends: a unit, a body or a post.
ORGANIZATION_END = re.compile(
    r"(?:省|庁|府|局|部|課|室|係|班|官|センター|事務所|事務局|都|道|県|市|区|町|村|議会|委員会|公社|機構"
    r"|協会|会議|本部|長|大臣|長官|知事|理事官)(?:\([^()]{1,12}\))?$"
)
# Posts that end a signer's name before the person's own: 南国市長 平山耕三, 厚生労働大臣 根本匠.
POST_END = re.compile(r"(?:長|大臣|長官|知事|管理官|統括官|理事官)$")
_HEADS = {"局": "局長", "部": "部長", "課": "課長", "室": "室長", "庁": "長官", "委員会": "委員長"}
_MIN_CORRECTED = 4  # shorter names are too alike to correct one letter of
_MIN_CONFIRMED = 2  # letters of the corrected part that must match as read
_AFTER_NAME = re.compile(r"(?:長|長官|大臣|[・(\s])")  # what may follow a corrected name


def _csv(name: str) -> list[dict]:
    raw = resources.files("pipeline.data").joinpath(name).read_text(encoding="utf-8-sig")
    return list(csv.DictReader(io.StringIO(raw)))


@lru_cache(maxsize=1)
def known_names() -> frozenset[str]:
    """Every known organization and post name."""
    names: set[str] = set()
    for row in _csv("organizations.csv"):
        full = row["parent"] + row["name"]
        names.add(full)
        kind = row["kind"]
        if kind == "省":
            names.add(full[:-1] + "大臣")  # 厚生労働省 → 厚生労働大臣
        elif full == "内閣府":
            names.add("内閣総理大臣")
        elif kind == "委員会":
            names.add(full[: -len(kind)] + _HEADS[kind])
        elif kind in _HEADS:
            names.add(full + _HEADS[kind][-1] if kind != "庁" else full + "長官")
    for row in _csv("prefjp-utf8.csv"):
        pref = row["pref"]
        names.update({pref, pref + "知事", pref + "議会", pref + "議会議長", pref + "警察"})
    for row in _csv("localgovjp-utf8.csv"):
        city = row["city"].replace(" ", "")  # 札幌市 中央区 → 札幌市中央区
        names.update({city, city + "長", city + "議会", city + "議会議長", row["pref"] + city})
    return frozenset(names)


@lru_cache(maxsize=1)
def local_governments() -> tuple[frozenset[str], frozenset[str]]:
    """(prefectures and municipalities, designated-city wards: 札幌市中央区)."""
    names = {row["pref"] for row in _csv("prefjp-utf8.csv")}
    wards = set()
    for row in _csv("localgovjp-utf8.csv"):
        (wards if " " in row["city"] else names).add(row["city"].replace(" ", ""))
    return frozenset(names), frozenset(wards)


def named_after(title: str) -> str | None:
    """The local government a title opens with, after its fiscal year (令和7年度 音威子府村 公共工事
    等発注見通し, 音威子府村簡易水道事業経営戦略 → 音威子府村): a body's own plan or list. None
    for a designated city's ward (さいたま市中央区…: the area the data are about) or before の
    (南国市の人口: about the place)."""
    key = _FISCAL_YEAR.sub("", re.sub(r"\s+", "", title))
    names, wards = local_governments()
    for k in range(min(len(key), 12), 1, -1):
        head = key[:k]
        if head in wards:
            return None
        if head in names:
            return None if key[k : k + 1] in ("の", "") else head
    return None


_FISCAL_YEAR = re.compile(r"^(?:令和|平成|昭和)(?:元|[0-9]{1,2})年度(?:\([0-9]{4}年度\))?")


@lru_cache(maxsize=1)
def _by_length() -> dict[int, list[str]]:
    out: dict[int, list[str]] = {}
    for name in known_names():
        out.setdefault(len(name), []).append(name)
    return out


def known_prefix(text: str) -> str | None:
    """The longest known name `text` starts with (南国市長平山耕三 → 南国市長)."""
    names = known_names()
    for k in range(min(len(text), max(_by_length())), 1, -1):
        if text[:k] in names:
            return text[:k]
    return None


def signer(line: str) -> str | None:
    """The organization or post a signature or issuer line names, or None when it does not
    start with a known organization: 新潟市福祉部介護保険課 as printed; 南国市長平山耕三 →
    南国市長 (the person's name cut off)."""
    key = re.sub(r"\s+", "", line)
    prefix = known_prefix(correct(key))
    if prefix is None:
        return None
    key = correct(key)
    if ORGANIZATION_END.search(key):
        return key
    if POST_END.search(prefix):
        return prefix  # 南国市長平山耕三
    return None


def correct(name: str) -> str:
    """`name` with one misread letter put right (厚生労働省保険局医療諜長 → 厚生労働省保険局医療課長)
    when that is unambiguous: exactly one known name is one letter away from the start of
    `name`, it goes on at least two matching letters past the longest known name `name` starts
    with (so 新潟市福祉部 is not read as 新潟市長…), and `name` ends with it or its head's post
    (長) or a separator; else `name` unchanged."""
    exact = known_prefix(name)
    floor = max(len(exact) if exact else 0, _MIN_CORRECTED - 1)
    lengths = _by_length()
    for k in range(min(len(name), max(lengths)), floor, -1):
        head, rest = name[:k], name[k:]
        if rest and not _AFTER_NAME.match(rest):
            continue
        fixes = set()
        for known in lengths.get(k, ()):
            wrong = [i for i, (a, b) in enumerate(zip(head, known)) if a != b]
            if len(wrong) == 1 and k - (exact and len(exact) or 0) - 1 >= _MIN_CONFIRMED:
                fixes.add(known)
        if len(fixes) == 1:
            return fixes.pop() + rest
        if fixes:
            return name  # ambiguous: keep what was read
    return name
