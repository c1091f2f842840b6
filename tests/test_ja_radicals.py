"""Radicals standing for kanji (pipeline.ja.radicals), applied by normalize_text before NFKC."""

from pipeline.ja import radicals
from pipeline.normalize import normalize_text


def test_radicals_supplement_becomes_kanji():
    assert normalize_text("⻑野県の⻝品衛⽣") == "長野県の食品衛生"  # ⽣ (Kangxi) by NFKC
    assert radicals.unify("⻘森・⻲⼭・⻯王") == "青森・亀⼭・竜王"
    assert len(radicals.TABLE) == 114
    assert all(len(kanji) == 1 for kanji in radicals.TABLE.values())


def test_a_name_keeps_its_spelling():
    """髙 and 﨑 are how 髙橋 and 山﨑 write their names: kept as written (search folds them)."""
    assert normalize_text("髙﨑市の山﨑") == "髙﨑市の山﨑"
