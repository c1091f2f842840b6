"""bench/cer_real.py: what it leaves out of the reference, how it shows differences, its page list."""

import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "bench"))

import cer_real  # noqa: E402

from pipeline.extract import page_count  # noqa: E402


def test_unreliable_text_layers_are_left_out_with_the_reason():
    prose = "令和７年４月１日から施行する。" * 10
    assert cer_real.unreliable(prose) is None
    assert cer_real.unreliable("\uf06c\uf06c " + prose) == "2 private-use characters"
    assert cer_real.unreliable("(cid:12)" + prose) == "glyphs without Unicode"
    assert cer_real.unreliable("\ufffd" + prose) == "glyphs without Unicode"
    assert cer_real.unreliable("令和７年") == "under 100 characters"


def test_differences_are_shown_in_context_after_nfkc_without_spaces():
    assert cer_real.differences("令和７年　４月１日", "令和7年4日1日") == ["…令和7年4[月→日]1日…"]
    assert cer_real.differences("第一条 目的", "第一条目的") == []
    assert cer_real.differences("曖昧さ", "暖味さ") == ["…[曖昧→暖味]さ…"]


def test_every_sample_page_exists():
    for sample in cer_real.SAMPLES:
        assert 1 <= sample.page <= page_count(cer_real.SHARED / sample.file), sample
        assert sample.group in ("prose", "table", "vertical")


def test_a_text_layer_whose_text_lacks_its_table_rows_is_left_out():
    text = "№ リリース日 年代 性別\n" + "7245 ７月１０日（金） 20代 女性\n" * 10
    rows = ["7238", "７月１０日（金）", "30代", "男性"] * 10
    assert cer_real.unreliable(text, rows) == "40 characters of its table cells missing from its text"
    assert cer_real.unreliable(text, ["7245", "20代", "女性"]) is None
