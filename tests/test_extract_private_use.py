"""Glyphs a text layer does not map (pipeline.extract.private_use): which characters are
suspect, and what the figures of a symbol font are known to be from a few read alone."""

from __future__ import annotations

from pipeline.extract import private_use
from pipeline.extract.pdf import Char


def chars(text: str) -> list[Char]:
    return [Char(ch, False, 10.0 * i, 0.0, 10.0 * i + 9, 10.0, 10.0) for i, ch in enumerate(text)]


def test_windows_1252_codes_are_suspect_only_where_they_are_many():
    # 官報 masthead 「平成20年4月25日 金曜日 … 第4817号」 from a font without a Unicode map.
    masthead = chars("平成™—年›月™œ日 金曜日 第›Ÿ˜\x01号")
    assert private_use._lying(masthead)
    assert [(start, "".join(c.text for c in run)) for start, run in private_use._runs(masthead)] == [
        (2, "™—"), (5, "›"), (7, "™œ"), (16, "›Ÿ˜\x01")]
    # Latin text, a degree sign or a dash in Japanese text: as it is.
    for line in ["Müller氏の講演（café にて）", "気温は30°C、湿度は80%", "第1条 — 目的", "× 2 ÷ 3"]:
        assert private_use._runs(chars(line)) == []


def test_figures_of_a_symbol_font_follow_from_two_read_alone():
    glyphs = private_use.Glyphs()
    assert glyphs.figure("\ue891") is None
    glyphs.add_figure("\ue88b", 1)
    assert glyphs.figure("\ue88b") == "1" and glyphs.figure("\ue891") is None  # one is not enough
    glyphs.add_figure("\ue88e", 4)
    # The font's 0 is U+E88A: its 7 and 9 are U+E891 and U+E893; U+E8A0 is past its 9.
    assert [glyphs.figure(c) for c in "\ue891\ue893\ue88a\ue8a0"] == ["7", "9", "0", None]
    # Windows-1252 characters count by the byte they were made of: ™ is 0x99, — 0x97.
    latin = private_use.Glyphs()
    latin.add_figure("™", 2)
    latin.add_figure("›", 4)
    assert latin.figure("—") == "0" and latin.figure("œ") == "5"


def test_a_run_between_counters_is_where_figures_stand():
    line = chars("令和\ue891年\ue891月")
    assert private_use._between_counters(line, 2, 1)
    assert private_use._between_counters(chars("\ue891"), 0, 1)  # a page number alone
    assert not private_use._between_counters(chars("\ue7b2 品目分類番号"), 0, 1)  # ⑴ before an item
