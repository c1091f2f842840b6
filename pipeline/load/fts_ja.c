/*
** ja_bigram: an FTS5 tokenizer for Japanese text, as a SQLite loadable extension.
**
** FTS5's unicode61 tokenizer treats a run of Japanese characters as one token, so a word inside it
** is never found; trigram finds nothing shorter than three characters. This tokenizer emits
** overlapping character bigrams instead:
**
**   "世田谷区長" -> 世田 田谷 谷区 区長 (+ the last character 長 as a unigram, see below)
**
** A query of n characters becomes a phrase of n-1 consecutive bigrams, so a match is an exact
** substring match, modulo the folding below. A 2-character query is a single token.
**
** Folding, per code point, so that queries and OCR output meet:
**   - whitespace (ASCII, ideographic U+3000, NBSP, ...) is skipped entirely: "平成 28 年" and
**     "平成28年" give the same tokens, whatever spaces OCR put in;
**   - full-width ASCII -> ASCII; ASCII upper case -> lower case;
**   - half-width katakana -> full-width, combining a following ﾞ/ﾟ (ｶﾞ -> ガ, ﾊﾟ -> パ);
**   - the wave dashes ～ (U+FF5E) and ~ -> 〜 (U+301C), the form pipeline.normalize writes;
**   - hyphen-like dashes (U+2010..2012, U+2212, U+FF0D) -> "-";
**   - character variants (異体字: 髙 -> 高, 邊/邉 -> 辺, 﨑 -> 崎, 齋 -> 斎, ヶ -> ケ ...) -> one form, from the
**     reviewed table pipeline/data/variants.tsv, compiled in as fts_ja_variants.h (VARIANTS);
**   - が between two kanji -> ケ, so that 霞が関, 霞ヶ関 and 霞ケ関 meet (a particle が sits between
**     kanji too, but it is folded the same way in documents and queries, so nothing is lost).
**
** Exact spelling: a bigram holding a character of a variant family (either form) is also indexed,
** colocated, with the characters as written and a leading "=" ("=髙橋"). A query term that starts
** with "=" asks for those tokens, so `=髙橋` finds 髙橋 only and `=高橋` finds 高橋 only, while
** 高橋 and 髙橋 both find both. Snippets and highlights use the input offsets: they mark the text
** as written.
**
** One-character queries: in documents every character is also indexed as a unigram, colocated
** with the bigram that starts at it (FTS5_TOKEN_COLOCATED, the same position, so phrases are not
** disturbed), and the last character of the text, which starts no bigram, as a unigram of its own.
** A query emits only bigrams, or a single unigram when it has one character.
**
** The fts5 declarations below are copied from SQLite's fts5.h (public domain), for sqlite3.h
** builds that lack them; Debian's libsqlite3-dev ships no separate fts5.h.
*/
#include <string.h>

#include "fts_ja_variants.h"  /* VARIANTS[][2]: {variant, standard} by variant; FAMILY[]: both, sorted */

#include "sqlite3ext.h"
SQLITE_EXTENSION_INIT1

/* ---- from fts5.h (sqlite3.h carries these too, inside the same include guard) ------------ */
#ifndef _FTS5_H
#define _FTS5_H
typedef struct Fts5Tokenizer Fts5Tokenizer;
typedef struct fts5_tokenizer fts5_tokenizer;
struct fts5_tokenizer {
  int (*xCreate)(void*, const char **azArg, int nArg, Fts5Tokenizer **ppOut);
  void (*xDelete)(Fts5Tokenizer*);
  int (*xTokenize)(Fts5Tokenizer*,
      void *pCtx,
      int flags,
      const char *pText, int nText,
      int (*xToken)(
        void *pCtx,
        int tflags,
        const char *pToken,
        int nToken,
        int iStart,
        int iEnd
      )
  );
};

#define FTS5_TOKENIZE_QUERY     0x0001
#define FTS5_TOKENIZE_PREFIX    0x0002
#define FTS5_TOKENIZE_DOCUMENT  0x0004
#define FTS5_TOKENIZE_AUX       0x0008
#define FTS5_TOKEN_COLOCATED    0x0001

typedef struct fts5_api fts5_api;
struct fts5_api {
  int iVersion;
  int (*xCreateTokenizer)(
    fts5_api *pApi,
    const char *zName,
    void *pUserData,
    fts5_tokenizer *pTokenizer,
    void (*xDestroy)(void*)
  );
  int (*xFindTokenizer)(
    fts5_api *pApi,
    const char *zName,
    void **ppUserData,
    fts5_tokenizer *pTokenizer
  );
  /* xCreateFunction and the v2 members follow; this extension does not use them. */
};
#endif /* _FTS5_H */
/* ---- end of fts5.h ----------------------------------------------------------------------- */

/* One folded character, the character as written (width and case folded only), and the bytes
** [start, end) of the input it came from. */
typedef struct {
  unsigned int cp;
  unsigned int raw;
  int famtag;  /* set by the tokenizer: a character of a variant family (either form) */
  int start;
  int end;
} Char;

/* Decode one UTF-8 sequence at z[i] (n bytes left); invalid bytes decode as U+FFFD, length 1. */
static int utf8_decode(const unsigned char *z, int n, unsigned int *pCp) {
  unsigned int c = z[0];
  int len, k;
  if (c < 0x80) { *pCp = c; return 1; }
  if (c >= 0xC2 && c <= 0xDF) { len = 2; c &= 0x1F; }
  else if (c >= 0xE0 && c <= 0xEF) { len = 3; c &= 0x0F; }
  else if (c >= 0xF0 && c <= 0xF4) { len = 4; c &= 0x07; }
  else { *pCp = 0xFFFD; return 1; }
  if (len > n) { *pCp = 0xFFFD; return 1; }
  for (k = 1; k < len; k++) {
    if ((z[k] & 0xC0) != 0x80) { *pCp = 0xFFFD; return 1; }
    c = (c << 6) | (z[k] & 0x3F);
  }
  *pCp = c;
  return len;
}

static int utf8_encode(unsigned int c, char *out) {
  if (c < 0x80) { out[0] = (char)c; return 1; }
  if (c < 0x800) {
    out[0] = (char)(0xC0 | (c >> 6));
    out[1] = (char)(0x80 | (c & 0x3F));
    return 2;
  }
  if (c < 0x10000) {
    out[0] = (char)(0xE0 | (c >> 12));
    out[1] = (char)(0x80 | ((c >> 6) & 0x3F));
    out[2] = (char)(0x80 | (c & 0x3F));
    return 3;
  }
  out[0] = (char)(0xF0 | (c >> 18));
  out[1] = (char)(0x80 | ((c >> 12) & 0x3F));
  out[2] = (char)(0x80 | ((c >> 6) & 0x3F));
  out[3] = (char)(0x80 | (c & 0x3F));
  return 4;
}

static int is_space(unsigned int c) {
  return (c >= 0x09 && c <= 0x0D) || c == 0x20 || c == 0x85 || c == 0xA0 || c == 0x1680
      || (c >= 0x2000 && c <= 0x200B) || c == 0x2028 || c == 0x2029 || c == 0x202F
      || c == 0x205F || c == 0x3000 || c == 0xFEFF;
}

/* Half-width katakana U+FF61..U+FF9F -> full-width forms. */
static const unsigned short halfwidth_kana[] = {
  0x3002, 0x300C, 0x300D, 0x3001, 0x30FB, 0x30F2, 0x30A1, 0x30A3,  /* ｡｢｣､･ｦｧｨ */
  0x30A5, 0x30A7, 0x30A9, 0x30E3, 0x30E5, 0x30E7, 0x30C3, 0x30FC,  /* ｩｪｫｬｭｮｯｰ */
  0x30A2, 0x30A4, 0x30A6, 0x30A8, 0x30AA, 0x30AB, 0x30AD, 0x30AF,  /* ｱｲｳｴｵｶｷｸ */
  0x30B1, 0x30B3, 0x30B5, 0x30B7, 0x30B9, 0x30BB, 0x30BD, 0x30BF,  /* ｹｺｻｼｽｾｿﾀ */
  0x30C1, 0x30C4, 0x30C6, 0x30C8, 0x30CA, 0x30CB, 0x30CC, 0x30CD,  /* ﾁﾂﾃﾄﾅﾆﾇﾈ */
  0x30CE, 0x30CF, 0x30D2, 0x30D5, 0x30D8, 0x30DB, 0x30DE, 0x30DF,  /* ﾉﾊﾋﾌﾍﾎﾏﾐ */
  0x30E0, 0x30E1, 0x30E2, 0x30E4, 0x30E6, 0x30E8, 0x30E9, 0x30EA,  /* ﾑﾒﾓﾔﾕﾖﾗﾘ */
  0x30EB, 0x30EC, 0x30ED, 0x30EF, 0x30F3, 0x309B, 0x309C,          /* ﾙﾚﾛﾜﾝﾞﾟ */
};

/* The fold of one code point taken alone. */
static unsigned int fold(unsigned int c) {
  if (c >= 'A' && c <= 'Z') return c + 0x20;
  if (c == '~' || c == 0xFF5E) return 0x301C;
  if (c >= 0xFF01 && c <= 0xFF5D) {
    c -= 0xFEE0;
    if (c >= 'A' && c <= 'Z') c += 0x20;
    return c;
  }
  if ((c >= 0x2010 && c <= 0x2012) || c == 0x2212) return '-';
  if (c >= 0xFF61 && c <= 0xFF9F) return halfwidth_kana[c - 0xFF61];
  return c;
}

/* The standard form of a variant character, or 0 when `c` is not a variant. */
static unsigned int variant_of(unsigned int c) {
  int lo = 0, hi = (int)(sizeof(VARIANTS) / sizeof(VARIANTS[0])) - 1;
  while (lo <= hi) {
    int mid = (lo + hi) / 2;
    if (VARIANTS[mid][0] == c) return VARIANTS[mid][1];
    if (VARIANTS[mid][0] < c) lo = mid + 1; else hi = mid - 1;
  }
  return 0;
}

/* Whether `c` belongs to a variant family, as the variant or as the standard form. */
static int in_family(unsigned int c) {
  int lo = 0, hi = (int)(sizeof(FAMILY) / sizeof(FAMILY[0])) - 1;
  while (lo <= hi) {
    int mid = (lo + hi) / 2;
    if (FAMILY[mid] == c) return 1;
    if (FAMILY[mid] < c) lo = mid + 1; else hi = mid - 1;
  }
  return 0;
}

static int is_kanji(unsigned int c) {
  return (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0x3400 && c <= 0x4DBF) || (c >= 0xF900 && c <= 0xFAFF)
      || (c >= 0x20000 && c <= 0x3134F) || c == 0x3005;  /* 々 */
}

/* The kana `base` with a voiced (dakuten) or semi-voiced (handakuten) mark, or 0 if none. */
static unsigned int voice(unsigned int base, int semi) {
  unsigned int k = base, hira = 0;
  if (k >= 0x3041 && k <= 0x3096) { k += 0x60; hira = 1; }  /* hiragana: use katakana table */
  if (semi) {
    if (k >= 0x30CF && k <= 0x30DB && (k - 0x30CF) % 3 == 0) k += 2;      /* ハ -> パ */
    else return 0;
  } else if ((k >= 0x30AB && k <= 0x30C1 && (k - 0x30AB) % 2 == 0)       /* カ..チ */
             || k == 0x30C4 || k == 0x30C6 || k == 0x30C8) {           /* ツテト */
    k += 1;
  } else if (k >= 0x30CF && k <= 0x30DB && (k - 0x30CF) % 3 == 0) {      /* ハ -> バ */
    k += 1;
  } else if (k == 0x30A6) {
    k = 0x30F4;                                                          /* ウ -> ヴ */
  } else if (k == 0x30EF || k == 0x30F2) {
    k += 8;                                                              /* ワ -> ヷ, ヲ -> ヺ */
  } else {
    return 0;
  }
  if (hira) {
    if (k > 0x30F4) return 0;  /* ヷ..ヺ have no hiragana forms; ゔ does */
    k -= 0x60;
  }
  return k;
}

/* Read the next non-space character at *pi, folded, with a following (semi-)voiced sound mark
** combined into it. Returns 0 at the end of the input. */
static int next_char(const unsigned char *z, int n, int *pi, Char *out) {
  int i = *pi;
  while (i < n) {
    unsigned int c, m;
    int start = i, len = utf8_decode(z + i, n - i, &c);
    i += len;
    if (is_space(c)) continue;
    c = fold(c);
    if (i < n) {
      int mlen = utf8_decode(z + i, n - i, &m);
      int semi = (m == 0xFF9F || m == 0x309A || m == 0x309C);
      if (semi || m == 0xFF9E || m == 0x3099 || m == 0x309B) {
        unsigned int voiced = voice(c, semi);
        if (voiced) { c = voiced; i += mlen; }
      }
    }
    out->raw = c;
    {
      unsigned int v = variant_of(c);
      out->cp = v ? v : c;
    }
    out->start = start;
    out->end = i;
    *pi = i;
    return 1;
  }
  *pi = i;
  return 0;
}

static int ja_create(void *pUnused, const char **azArg, int nArg, Fts5Tokenizer **ppOut) {
  (void)pUnused; (void)azArg;
  if (nArg > 0) return SQLITE_ERROR;  /* no options */
  *ppOut = (Fts5Tokenizer*)sqlite3_malloc(1);  /* stateless; FTS5 wants a non-NULL handle */
  return *ppOut ? SQLITE_OK : SQLITE_NOMEM;
}

static void ja_delete(Fts5Tokenizer *p) {
  sqlite3_free(p);
}

/* Emit the bigram (a, b); in documents also its first character, and the bigram as written when
** it holds a variant-family character (see "Exact spelling" above). */
static int emit_bigram(void *pCtx, int query, int exact,
                       int (*xToken)(void*, int, const char*, int, int, int),
                       const Char *a, const Char *b) {
  char buf[16];
  int n, rc;
  if (query && exact) {
    if (a->famtag || b->famtag) {
      buf[0] = '=';
      n = 1 + utf8_encode(a->raw, buf + 1);
      n += utf8_encode(b->raw, buf + n);
    } else {
      n = utf8_encode(a->cp, buf);
      n += utf8_encode(b->cp, buf + n);
    }
    return xToken(pCtx, 0, buf, n, a->start, b->end);
  }
  n = utf8_encode(a->cp, buf);
  n += utf8_encode(b->cp, buf + n);
  rc = xToken(pCtx, 0, buf, n, a->start, b->end);
  if (rc == SQLITE_OK && !query) {
    rc = xToken(pCtx, FTS5_TOKEN_COLOCATED, buf, utf8_encode(a->cp, buf), a->start, a->end);
  }
  if (rc == SQLITE_OK && !query && (a->famtag || b->famtag)) {
    buf[0] = '=';
    n = 1 + utf8_encode(a->raw, buf + 1);
    n += utf8_encode(b->raw, buf + n);
    rc = xToken(pCtx, FTS5_TOKEN_COLOCATED, buf, n, a->start, b->end);
  }
  return rc;
}

static int ja_tokenize(
  Fts5Tokenizer *pUnused, void *pCtx, int flags, const char *pText, int nText,
  int (*xToken)(void*, int, const char*, int, int, int)
) {
  const unsigned char *z = (const unsigned char*)pText;
  int query = (flags & FTS5_TOKENIZE_QUERY) != 0;
  int i = 0, n = 0, cap = 0, k, exact = 0, rc = SQLITE_OK;
  Char *chars = 0, c;
  char buf[8];
  (void)pUnused;

  /* The whole text as folded characters first: the が rule looks at both neighbours. */
  while (next_char(z, nText, &i, &c)) {
    if (n == cap) {
      Char *grown;
      cap = cap ? cap * 2 : 64;
      grown = (Char*)sqlite3_realloc(chars, cap * (int)sizeof(Char));
      if (!grown) { sqlite3_free(chars); return SQLITE_NOMEM; }
      chars = grown;
    }
    chars[n++] = c;
  }
  if (query && n > 1 && chars[0].raw == '=') {  /* "=髙橋": as written */
    exact = 1;
    memmove(chars, chars + 1, (size_t)(n - 1) * sizeof(Char));
    n--;
  }
  for (k = 0; k < n; k++) {
    chars[k].famtag = in_family(chars[k].raw) || in_family(chars[k].cp);
    if (chars[k].cp == 0x304C && k > 0 && k + 1 < n
        && is_kanji(chars[k - 1].cp) && is_kanji(chars[k + 1].cp)) {
      chars[k].cp = 0x30B1;  /* 霞が関 -> 霞ケ関 */
      chars[k].famtag = 1;
    } else if (chars[k].cp == 0x30B1) {
      chars[k].famtag = 1;
    }
  }
  for (k = 0; k + 1 < n && rc == SQLITE_OK; k++) {
    rc = emit_bigram(pCtx, query, exact, xToken, &chars[k], &chars[k + 1]);
  }
  if (rc == SQLITE_OK && n > 0 && !(query && n > 1)) {
    const Char *last = &chars[n - 1];
    unsigned int cp = last->cp;  /* documents index single characters folded only */
    rc = xToken(pCtx, 0, buf, utf8_encode(cp, buf), last->start, last->end);
  }
  sqlite3_free(chars);
  return rc;
}

static fts5_api *fts5_api_from_db(sqlite3 *db) {
  fts5_api *pApi = 0;
  sqlite3_stmt *pStmt = 0;
  if (sqlite3_prepare_v2(db, "SELECT fts5(?1)", -1, &pStmt, 0) == SQLITE_OK) {
    sqlite3_bind_pointer(pStmt, 1, (void*)&pApi, "fts5_api_ptr", 0);
    sqlite3_step(pStmt);
  }
  sqlite3_finalize(pStmt);
  return pApi;
}

#ifdef _WIN32
__declspec(dllexport)
#endif
int sqlite3_ftsja_init(sqlite3 *db, char **pzErrMsg, const sqlite3_api_routines *pApi) {
  static fts5_tokenizer tokenizer = { ja_create, ja_delete, ja_tokenize };
  fts5_api *fts5;
  SQLITE_EXTENSION_INIT2(pApi);
  fts5 = fts5_api_from_db(db);
  if (fts5 == 0 || fts5->iVersion < 2) {
    *pzErrMsg = sqlite3_mprintf("ja_bigram: this SQLite has no FTS5");
    return SQLITE_ERROR;
  }
  return fts5->xCreateTokenizer(fts5, "ja_bigram", 0, &tokenizer, 0);
}

/* The generic entry point, for loaders that do not derive the name from the file name. */
#ifdef _WIN32
__declspec(dllexport)
#endif
int sqlite3_extension_init(sqlite3 *db, char **pzErrMsg, const sqlite3_api_routines *pApi) {
  return sqlite3_ftsja_init(db, pzErrMsg, pApi);
}
