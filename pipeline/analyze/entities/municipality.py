"""Municipalities and prefectures, valued by their 6-digit local government code.

municipality: value = `lgcode` from localgovjp-utf8.csv (世田谷区 → 131121, 国立市 → 132152);
attrs `code`, `prefecture`, `name`. Designated-city wards are matched as 「札幌市中央区」 (one
mention), and alone (中央区) as a candidate among same-named places. prefecture: value = the
prefecture's code, zero-padded to 6 digits (東京都 → 130001, 北海道 → 010006); attrs `code`, `name`.

Names match whole, leftmost-longest (東村山市 not 東村, 港北区 not 北区). A two-character name
(北区, 津市) must not continue a word: its preceding character is not kanji/katakana unless it is
都/道/府/県/市/郡, and 区分/区間/区域/区画 are not wards. A name shared by several places (北区,
中央区, 府中市) takes the place right after a prefecture or city name if so written; else the one
whose prefecture (or city) the document supports most: prefectures named, unambiguous
municipalities, the issuer and title, and 23区/特別区 for Tokyo; with no support it is skipped.
同区 is skipped. 市区町村, 区民, 各都道府県 are nothing. Ward names without 区 (the Tokyo COVID
table's 千代田, 中央) are not matched.
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from pipeline.ja.spacing import compact
from pipeline.model import Entity

from . import DocumentContext


@dataclass(frozen=True)
class Place:
    code: str
    name: str  # 世田谷区, 札幌市中央区
    prefecture: str
    city: str | None  # the designated city of a ward (札幌市), else None


@dataclass(frozen=True)
class Prefecture:
    code: str
    name: str


def _read_csv(name: str) -> list[dict]:
    raw = resources.files("pipeline.data").joinpath(name).read_text(encoding="utf-8-sig")
    return list(csv.DictReader(io.StringIO(raw)))


@lru_cache(maxsize=1)
def tables():
    """(name → places, lengths per last character, prefecture name → Prefecture, city names)."""
    names: dict[str, list[Place]] = {}
    cities: set[str] = set()
    for row in _read_csv("localgovjp-utf8.csv"):
        parts = row["city"].split()
        city = parts[0] if len(parts) == 2 else None
        place = Place(row["lgcode"].zfill(6), "".join(parts), row["pref"], city)
        keys = {place.name, parts[-1]}
        for key in list(keys):
            keys.add(key.replace("ヶ", "ケ"))
            keys.add(key.replace("ケ", "ヶ"))
        for key in keys:
            names.setdefault(key, []).append(place)
        if city:
            cities.add(city)
    lengths: dict[str, list[int]] = {}
    for key in names:
        lengths.setdefault(key[-1], [])
        if len(key) not in lengths[key[-1]]:
            lengths[key[-1]].append(len(key))
    for v in lengths.values():
        v.sort(reverse=True)
    prefs = {
        row["pref"]: Prefecture(row["lgcode"].zfill(6), row["pref"])
        for row in _read_csv("prefjp-utf8.csv")
    }
    return names, lengths, prefs, cities


_SUFFIX = re.compile(r"[市区町村]")
_WORDISH = re.compile(r"[一-龥々ァ-ヶー]")
_NOT_WARD_NEXT = set("分間画域切")


@lru_cache(maxsize=1)
def _prefecture_names_re() -> re.Pattern:
    prefs = tables()[2]
    return re.compile("|".join(sorted(map(re.escape, prefs), key=len, reverse=True)))


def _find(c: str) -> list[tuple[int, int, list[Place]]]:
    names, lengths, _, _ = tables()
    found = []
    for m in _SUFFIX.finditer(c):
        i = m.end()
        for n in lengths.get(m.group(), ()):
            if n > i:
                continue
            key = c[i - n : i]
            places = names.get(key)
            if not places:
                continue
            if n == 2:
                before = c[i - 3] if i >= 3 else ""
                if before and _WORDISH.match(before) and before not in "都道府県市郡":
                    break
                if key[-1] == "区" and c[i : i + 1] in _NOT_WARD_NEXT:
                    break
            found.append((i - n, i, places))
            break
    found.sort(key=lambda x: (x[0], -(x[1] - x[0])))
    out, last_end = [], -1
    for s, e, places in found:
        if s >= last_end:
            out.append((s, e, places))
            last_end = e
    return out


def _support(c: str, found, ctx: DocumentContext) -> tuple[Counter, Counter]:
    """Weights of prefectures and designated cities from the document and its context."""
    _, _, prefs, cities = tables()
    pref_w: Counter = Counter()
    city_w: Counter = Counter()
    pref_re = _prefecture_names_re()
    extra = " ".join(x for x in (ctx.issuer, ctx.title) if x)
    for src, weight in ((c, 1), (extra, 3)):
        for m in pref_re.finditer(src):
            pref_w[m.group()] += weight
        if re.search(r"23区|特別区", src):
            pref_w["東京都"] += weight
    for s, e, places in found + [(0, 0, p) for _, _, p in _find(extra)] * 3:
        if len({p.prefecture for p in places}) == 1:
            pref_w[places[0].prefecture] += 1
        if len(places) == 1 and places[0].name in cities:
            city_w[places[0].name] += 1
        if len(places) == 1 and places[0].city:
            city_w[places[0].city] += 1
    return pref_w, city_w


def _choose(c: str, s: int, places: list[Place], pref_w: Counter, city_w: Counter) -> Place | None:
    if len(places) == 1:
        return places[0]
    _, _, prefs, _ = tables()
    for p in places:  # 東京都府中市, 札幌市中央区 written out
        if c.endswith(p.prefecture, 0, s) or (p.city and c.endswith(p.city, 0, s)):
            return p
    scored = sorted(
        (
            (pref_w[p.prefecture] * 10 + city_w[p.city or ""] + (0 if p.city else 1), p)
            for p in places
        ),
        key=lambda x: -x[0],
    )
    if scored[0][0] < 10 or (len(scored) > 1 and scored[0][0] == scored[1][0]):
        return None  # no support, or a tie: leave it out rather than guess
    return scored[0][1]


def extract(text: str, ctx: DocumentContext) -> list[Entity]:
    view = compact(text)
    c = view.text
    found = _find(c)
    if not found:
        return []
    pref_w, city_w = _support(c, found, ctx)
    out = []
    for s, e, places in found:
        place = _choose(c, s, places, pref_w, city_w)
        if place is None:
            continue
        start, end = view.span(s, e)
        attrs = {"code": place.code, "prefecture": place.prefecture, "name": place.name}
        out.append(Entity("municipality", text[start:end], place.code, start, end, attrs=attrs))
    return out


def extract_prefectures(text: str, ctx: DocumentContext) -> list[Entity]:
    view = compact(text)
    _, _, prefs, _ = tables()
    out = []
    for m in _prefecture_names_re().finditer(view.text):
        pref = prefs[m.group()]
        start, end = view.span(m.start(), m.end())
        attrs = {"code": pref.code, "name": pref.name}
        out.append(Entity("prefecture", text[start:end], pref.code, start, end, attrs=attrs))
    return out
