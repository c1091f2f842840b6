"""Split the OCRed seed text into the ten documents' sources (corpus/source/<slug>.md).

The seed is one text file holding ten documents back to back. Each document is found by its
first line; it ends where the next one starts (trailing blank lines dropped), and its last line
is checked against the expected one so that an edited seed fails loudly instead of shifting
text between documents.
"""

from __future__ import annotations

from pathlib import Path

# The project lives beside shared/ (../shared from the repository root), as on every machine.
DEFAULT_SEED = Path(__file__).resolve().parents[3] / "shared" / "seed" / "000_d674696408541cb3.txt"

# slug -> (first line, last line), both stripped of surrounding whitespace.
SPLITS: dict[str, tuple[str, str]] = {
    "01-memo": (
        "## 地域からマイナンバー制度に声を上げていくこと",
        "市報で知らせるわけがないので、議員会報で知らせる。",
    ),
    "02-shiryo1": ("# コンビニ交付算定の根拠", "122,000,000 ÷ 130,000 = 約940円"),
    "03-shiryo2": (
        "コンビニ交付算定一覧表 2017年2月 資料2",
        "年間2000万円程の事業経費が10年間続く。",  # prefix: the line is long
    ),
    "04-letter": ("2017年2月1日", "(6) 個人番号の変更申請を認めるか否かの基準があれば示されたい。"),
    "05-mic-notice": ("総行住第 185 号", "については、これらの施策について、"),
    "06-onestop-program": ("## ワンストップ・カードプロジェクトについて(趣旨・開催実績等)", "4"),
    "07-union-newsletter": ("# 団結", "（企鵝区民分会責任編集）"),
    "08-mic-jimurenraku": ("事 務 連 絡", "本通知書を受け取られた方が、"),
    "09-wards-answers": (
        "【住民税の特別徴収通知書への個人番号(マイナンバー)記載について】",
        "目隠しシール等検討中",
    ),
    "10-newspaper": ("毎 2017. 1/2", "個人情報の管理に詳しい"),
}

SLUGS: tuple[str, ...] = tuple(SPLITS)


def split_seed(text: str) -> dict[str, str]:
    """Return {slug: source text}, each the seed's lines verbatim, ending with one newline."""
    lines = text.split("\n")
    starts = []
    for slug, (first, _) in SPLITS.items():
        hits = [i for i, line in enumerate(lines) if line.strip() == first]
        if len(hits) != 1:
            raise ValueError(f"{slug}: first line {first!r} found {len(hits)} times in the seed")
        starts.append(hits[0])
    if starts != sorted(starts):
        raise ValueError("seed documents are not in the expected order")
    sources = {}
    for n, (slug, (_, last)) in enumerate(SPLITS.items()):
        end = starts[n + 1] if n + 1 < len(SPLITS) else len(lines)
        body = lines[starts[n]:end]
        while body and not body[-1].strip():
            body.pop()
        if last not in body[-1]:
            raise ValueError(f"{slug}: expected last line containing {last!r}, got {body[-1]!r}")
        sources[slug] = "\n".join(body) + "\n"
    return sources
