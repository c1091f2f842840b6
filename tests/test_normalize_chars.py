"""Radicals and compatibility ideographs standing for kanji (pipeline.normalize.chars)."""

from pipeline.normalize import chars, normalize_text


def test_radicals_supplement_and_kept_compatibility_ideographs_become_kanji():
    assert normalize_text("⻑野県の⻝品衛⽣") == "長野県の食品衛生"  # ⽣ (Kangxi) by NFKC
    assert normalize_text("髙﨑市") == "髙崎市"  # 髙 is an ordinary kanji and stays
    assert chars.unify("⻘森・⻲⼭・⻯王") == "青森・亀⼭・竜王"
    assert len(chars.TABLE) == 115
    assert all(len(kanji) == 1 for kanji in chars.TABLE.values())
