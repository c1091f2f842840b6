"""Japanese text rules, one home for each, shared by the normalize and analyze stages:

- `chars`: what counts as a Japanese character (set without spaces; a kana/kanji letter);
- `spacing`: which spaces are noise (the normalizer's rule, the extractors' compact view with
  offsets, the header reader's line key);
- `numerals`: the one numeral parser (arabic, kanji, mixed: 5,000万, 二〇一七, 二十八);
- `eras`: the era table, era ↔ western years, era-year bounds, era abbreviations;
- `labels`: material labels (資料2, 別紙, 別添, 参考資料);
- `lexicon`: Sudachi's tokenizer, one per thread, and its path cost as a measure of how
  plausible a piece of text is (OCR chooses between readings with it).

What normalized text guarantees to the stages after it is stated once, in
`pipeline.normalize`'s docstring.
"""
