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
A 町/村 name right after a city's in an address (福島市栄町, 大津市瀬田大江町) is a district of that
city, not the town. 同区 is skipped. 市区町村, 区民, 各都道府県 are nothing. Ward names without 区 (the Tokyo COVID
table's 千代田, 中央) are matched only as whole cells of a table row listing 3 or more such names,
in the prefecture most of them belong to (`_suffixless_lists`); a name that goes on into a longer municipality's name
written without its suffix (東村|山 for 東村山市) is not that name.

A name inside another body's name is not a mention of the place (`INSTITUTION_ENDS`: 日立市医師会,
南国市社会福祉協議会, …病院, …大学, a council's caucus …議員団); the municipality's own organs are
(南国市長, 南国市議会, 南国市教育委員会, 南国市役所), and so is what it runs (南国市立図書館,
市立病院). The same holds for prefectures (茨城県医師会 is not 茨城県).
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
# The word right after a name: a run of kanji and katakana (南国市|立図書館, 日立市|医師会).
_NEXT_WORD = re.compile(r"[一-龥々ァ-ヶー]{1,20}")
# Bodies that are not the municipality though they carry its name: the name inside theirs is
# not a mention (水戸赤十字病院, 日立市医師会, 南国市社会福祉協議会, 筑波大学).
INSTITUTION_ENDS = (
    "大学", "大学校", "病院", "医院", "診療所", "クリニック", "研究所", "研究機構", "研究センター",
    "医療センター", "医師会", "歯科医師会", "薬剤師会", "社会福祉協議会", "商工会議所", "商工会",
    "観光協会", "協会", "協議会", "組合", "公社", "事業団", "財団", "会社", "銀行", "信用金庫",
    "農協", "漁協", "駅", "郵便局", "警察署", "税務署", "法務局", "裁判所", "学園", "学院", "機構",
    "開発局", "財務局", "開発建設部", "運輸局", "整備局", "議員団", "会派", "党", "後援会",
)  # fmt: skip
# The body's name ends the word, or goes on with one of its units or posts and whatever follows
# in the compact text (北海道財務局総務部長遠藤晃, …病院事務局長).
_INSTITUTION_END = re.compile(
    f"(?:{'|'.join(sorted(map(re.escape, INSTITUTION_ENDS), key=len, reverse=True))})"
    r"(?:$|[一-龥々]{0,4}?[部課係室長])"
)


def inside_institution(c: str, end: int) -> bool:
    """Is the name ending at `end` part of the name of another body (…病院, …大学, …協議会,
    …議会公明党議員団)? The municipality's organs (…長, …議会, …立図書館, …役所) and what it runs
    (…市立病院) are not."""
    m = _NEXT_WORD.match(c, end)
    if not m or m.group()[0] in "立営":
        return False  # run by the municipality: 南国市立図書館, 市営住宅
    if _INSTITUTION_END.search(m.group()):
        return True  # 境港市議会公明党議員団: a caucus, not the council; 北海道財務局総務部長
    return False


def _names_a_longer_place(c: str, start: int, end: int) -> bool:
    """東村|山 in a table of Tokyo's cities written without 市: the name goes on into another
    municipality's name (東村山市), so it is not this one (沖縄県東村)."""
    names = tables()[0]
    for k in range(1, 4):
        stem = c[start : end + k]
        if len(stem) < end - start + k or not _WORDISH.match(stem[-1]):
            return False
        if any(stem + suffix in names for suffix in "市町村区"):
            return True
    return False
_WORDISH = re.compile(r"[一-龥々ァ-ヶー]")
_NOT_WARD_NEXT = set("分間画域切")
# Between a city and a 町/村 name in an address: nothing, or a district name (瀬田, 大字鶴見).
_DISTRICT_GAP = re.compile(r"[一-龥々ぁ-んァ-ヶー]{0,6}")


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
        if s < last_end:
            continue
        if (
            out
            and c[e - 1] in "町村"
            and _DISTRICT_GAP.fullmatch(c, out[-1][1], s)
            and c[s:e] != c[out[-1][0] : out[-1][1]]  # 音威子府村字咲来 音威子府村字上…: a list
        ):
            last_end = e
            continue  # 福島県福島市栄町, 大津市瀬田大江町: a district of the city before it
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


@lru_cache(maxsize=1)
def _stems() -> dict[str, list[Place]]:
    """Names without their 市/区/町/村 (千代田, 八王子, 瑞穂), for lists of a prefecture's places."""
    out: dict[str, list[Place]] = {}
    for places in tables()[0].values():
        for p in places:
            if p.city is None and p.name[-1] in "市区町村" and len(p.name) > 1:
                out.setdefault(p.name[:-1], [])
                if p not in out[p.name[:-1]]:
                    out[p.name[:-1]].append(p)
    return out


def _suffixless_lists(text: str, taken: list[tuple[int, int]]) -> list[tuple[int, int, Place]]:
    """A table row naming 3 or more places without their suffix (the Tokyo COVID table's
    「千代田\t中央\t港\t新宿」): each whole cell that is a stem, taken in the prefecture most of
    the list's stems belong to (at least 60% of them), when that gives one place."""
    stems = _stems()
    cells: list[tuple[int, int, list[Place]]] = []
    pos = 0
    for line in text.split("\n"):
        row, cpos = [], pos
        if "\t" in line:
            for cell in line.split("\t"):
                name = cell.strip(" \u3000")
                if name in stems:
                    start = cpos + cell.index(name)
                    row.append((start, start + len(name), stems[name]))
                cpos += len(cell) + 1
        if len(row) >= 3:
            cells += row
        pos += len(line) + 1
    if not cells:
        return []
    votes = Counter(pref for _, _, ps in cells for pref in {p.prefecture for p in ps})
    pref, n = votes.most_common(1)[0]
    if n < 0.6 * len(cells):
        return []
    out = []
    for s, e, places in cells:
        mine = [p for p in places if p.prefecture == pref]
        if len(mine) == 1 and not any(a < e and s < b for a, b in taken):
            out.append((s, e, mine[0]))
    return out


def extract(text: str, ctx: DocumentContext) -> list[Entity]:
    view = compact(text)
    c = view.text
    found = [
        (s, e, places) for s, e, places in _find(c)
        if not (inside_institution(c, e) or _names_a_longer_place(c, s, e))
    ]  # fmt: skip
    listed = _suffixless_lists(text, [view.span(s, e) for s, e, _ in found])
    out = [
        Entity("municipality", text[s:e], p.code, s, e,
               attrs={"code": p.code, "prefecture": p.prefecture, "name": p.name})
        for s, e, p in listed
    ]  # fmt: skip
    if not found:
        return out
    pref_w, city_w = _support(c, found, ctx)
    for s, e, places in found:
        place = _choose(c, s, places, pref_w, city_w)
        if place is None:
            continue
        start, end = view.span(s, e)
        attrs = {"code": place.code, "prefecture": place.prefecture, "name": place.name}
        out.append(Entity("municipality", text[start:end], place.code, start, end, attrs=attrs))
    out.sort(key=lambda x: x.start)
    return out


def extract_prefectures(text: str, ctx: DocumentContext) -> list[Entity]:
    view = compact(text)
    _, _, prefs, _ = tables()
    out = []
    for m in _prefecture_names_re().finditer(view.text):
        if inside_institution(view.text, m.end()):
            continue
        pref = prefs[m.group()]
        start, end = view.span(m.start(), m.end())
        attrs = {"code": pref.code, "name": pref.name}
        out.append(Entity("prefecture", text[start:end], pref.code, start, end, attrs=attrs))
    return out
