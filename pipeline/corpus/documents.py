"""What is known about each seed document: the ground truth for metadata extraction.

`issuer` and `date_printed` are as printed on the document (None when nothing is printed);
`issued_on` is ISO (YYYY-MM-DD or YYYY-MM). Two dates are not printed but inferred, noted below.
`archive_input` is the rendering that stands for the document in the archive: the form its
original most likely had (see corpus/README.md).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class DocumentInfo:
    slug: str
    title: str
    kind: str  # 通知, 事務連絡, 質問書, 会報, 新聞記事, 資料, メモ, 行動計画
    issuer: str | None
    date_printed: str | None
    issued_on: str
    archive_input: str  # repo-relative path
    landscape: bool = False
    vertical: bool = False


def _scan(slug: str) -> str:
    return f"corpus/scanned/{slug}.pdf"


def _digital(slug: str) -> str:
    return f"corpus/born-digital/{slug}.pdf"


INFOS: tuple[DocumentInfo, ...] = (
    DocumentInfo(
        "01-memo", "地域からマイナンバー制度に声を上げていくこと", "メモ",
        "関口 博", "2017.2.4", "2017-02-04", _digital("01-memo"),
    ),
    DocumentInfo(
        "02-shiryo1", "コンビニ交付算定の根拠", "資料",
        None, "2017年2月", "2017-02", _scan("02-shiryo1"),
    ),
    DocumentInfo(
        "03-shiryo2", "コンビニ交付算定一覧表", "資料",
        None, "2017年2月", "2017-02", _scan("03-shiryo2"),
    ),
    DocumentInfo(
        "04-letter", "「共通番号制度」への対応についての質問書", "質問書",
        "共通番号制度を考える世田谷の会", "2017年2月1日", "2017-02-01", _scan("04-letter"),
    ),
    DocumentInfo(
        "05-mic-notice",
        "マイナンバーカードを活用した住民サービスの向上と地域活性化の検討について (依頼)", "通知",
        "総務大臣", "平成 28 年 9 月 16 日", "2016-09-16", _scan("05-mic-notice"),
    ),
    # No issue date is printed; the program was compiled after its last meeting (平成28年12月13日).
    DocumentInfo(
        "06-onestop-program", "ワンストップ・カードプロジェクトについて(趣旨・開催実績等)", "行動計画",
        None, None, "2016-12", _digital("06-onestop-program"), landscape=True,
    ),
    DocumentInfo(
        "07-union-newsletter", "団結", "会報",
        "労働組合", "2017年1月17日", "2017-01-17", _scan("07-union-newsletter"),
    ),
    DocumentInfo(
        "08-mic-jimurenraku",
        "平成 29 年度分以降の個人住民税に係る特別徴収税額決定通知書(特別徴収義務者用) の送付に関する留意事項について (通知)",
        "事務連絡", "総務省自治税務局市町村税課", "平成 28 年 11 月 25 日", "2016-11-25",
        _scan("08-mic-jimurenraku"),
    ),
    # No date is printed; the wards answered between 9月15日 and 10月4日 (2016, before the
    # 平成29年度 notices the questions are about).
    DocumentInfo(
        "09-wards-answers", "住民税の特別徴収通知書への個人番号(マイナンバー)記載について", "資料",
        None, None, "2016-10", _scan("09-wards-answers"), landscape=True,
    ),
    # "毎 2017. 1/2" is the clipping's label (毎日新聞, 2017-01-12; the OCR lost a "1").
    DocumentInfo(
        "10-newspaper", "区の情報悪用女性狙う", "新聞記事",
        "毎日新聞", "2017. 1/2", "2017-01-12", _scan("10-newspaper"), vertical=True,
    ),
)

BY_SLUG = {info.slug: info for info in INFOS}
