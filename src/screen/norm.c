/* norm.c: text normalisation for screening (see screen.h). Written by hand rather than with ICU:
 * the lists and the names ERPs hold are Latin script, with some Cyrillic; folding those needs two
 * small tables, where ICU would add some 30 MB of data to a static binary and milliseconds of
 * start-up to every run (docs/screening.md). */
#include "screen.h"

#include <stdint.h>
#include <string.h>

/* U+0100..U+017F (Latin Extended-A) by base letter; '1' is ij, '2' is oe. */
static const char LATIN_EXT_A[129] = "aaaaaaccccccccddddeeeeeeeeeegggggggghhhhiiiiiiiiii11jjkkk"
                                     "llllllllllnnnnnnnnnoooooo22rrrrrrssssssssttttttuuuuuuuuuu"
                                     "uuwwyyyzzzzzzs";

/* U+00C0..U+00FF (Latin-1 letters); '1' is ae, '2' is th, '3' is ss, ' ' a separator (x, /). */
static const char LATIN_1[65] = "aaaaaa1ceeeeiiiidnooooo ouuuuy23aaaaaa1ceeeeiiiidnooooo ouuuuy2y";

/* Cyrillic U+0430..U+044F (lower case), transliterated as OFAC writes Russian names
 * ("OBSHCHESTVO S OGRANICHENNOI OTVETSTVENNOSTYU"). */
static const char *const CYRILLIC[32] = {
    "a", "b", "v", "g", "d", "e",  "zh", "z",  "i",  "i",    "k", "l", "m", "n", "o",  "p",
    "r", "s", "t", "u", "f", "kh", "ts", "ch", "sh", "shch", "",  "y", "",  "e", "yu", "ya"};

/* Decodes one UTF-8 sequence at s; returns its length (1 for a stray byte, taken as itself). */
static size_t utf8_decode(const unsigned char *s, uint32_t *cp)
{
    if (s[0] < 0x80) {
        *cp = s[0];
        return 1;
    }
    if ((s[0] & 0xe0) == 0xc0 && (s[1] & 0xc0) == 0x80) {
        *cp = ((uint32_t)(s[0] & 0x1f) << 6) | (s[1] & 0x3f);
        return 2;
    }
    if ((s[0] & 0xf0) == 0xe0 && (s[1] & 0xc0) == 0x80 && (s[2] & 0xc0) == 0x80) {
        *cp = ((uint32_t)(s[0] & 0x0f) << 12) | ((uint32_t)(s[1] & 0x3f) << 6) | (s[2] & 0x3f);
        return 3;
    }
    if ((s[0] & 0xf8) == 0xf0 && (s[1] & 0xc0) == 0x80 && (s[2] & 0xc0) == 0x80 &&
        (s[3] & 0xc0) == 0x80) {
        *cp = ((uint32_t)(s[0] & 0x07) << 18) | ((uint32_t)(s[1] & 0x3f) << 12) |
              ((uint32_t)(s[2] & 0x3f) << 6) | (s[3] & 0x3f);
        return 4;
    }
    *cp = 0xfffd;
    return 1;
}

/* What a code point becomes: a folded ASCII string, "" to drop it (joining its neighbours), " "
 * to separate tokens, or NULL to keep its bytes as they are (other scripts). */
static const char *fold(uint32_t cp, char tmp[4])
{
    if (cp < 0x80) {
        if ((cp >= 'a' && cp <= 'z') || (cp >= '0' && cp <= '9')) {
            tmp[0] = (char)cp, tmp[1] = '\0';
            return tmp;
        }
        if (cp >= 'A' && cp <= 'Z') {
            tmp[0] = (char)(cp - 'A' + 'a'), tmp[1] = '\0';
            return tmp;
        }
        /* "S.A." is one token, "O'Brien" one name; a comma or dash separates. */
        return cp == '.' || cp == '\'' || cp == '`' ? "" : " ";
    }
    const char *multi[] = {"ij", "oe", "ae", "th", "ss"};
    char c = 0;
    if (cp >= 0xc0 && cp <= 0xff)
        c = LATIN_1[cp - 0xc0];
    else if (cp >= 0x100 && cp <= 0x17f)
        c = LATIN_EXT_A[cp - 0x100];
    else if (cp >= 0x218 && cp <= 0x21b)
        c = cp < 0x21a ? 's' : 't'; /* Romanian comma-below letters */
    else if (cp >= 0x410 && cp <= 0x42f)
        return CYRILLIC[cp - 0x410];
    else if (cp >= 0x430 && cp <= 0x44f)
        return CYRILLIC[cp - 0x430];
    else if (cp == 0x401 || cp == 0x451)
        return "e";
    else if (cp == 0x2018 || cp == 0x2019 || cp == 0x2bc)
        return ""; /* typographic apostrophes, as ' */
    else if (cp < 0xc0 || (cp >= 0x2000 && cp <= 0x206f) || (cp >= 0x3000 && cp <= 0x303f) ||
             (cp >= 0xff00 && cp <= 0xff0f) || cp == 0xfffd)
        return " "; /* Latin-1 symbols, general and CJK punctuation, fullwidth symbols */
    else
        return NULL;
    if (c == ' ')
        return " ";
    if (c >= '1' && c <= '5') {
        /* LATIN_1 codes: 1 ae, 2 th, 3 ss; LATIN_EXT_A: 1 ij, 2 oe */
        if (cp >= 0x100)
            return multi[c - '1'];
        return multi[c - '1' + 2];
    }
    tmp[0] = c, tmp[1] = '\0';
    return tmp;
}

int eccn_screen_normalise(const char *text, eccn_buf *out)
{
    const unsigned char *s = (const unsigned char *)text;
    bool space = true; /* the output ends at a token boundary */
    eccn_buf_reset(out);
    int rc = eccn_buf_reserve(out, strlen(text) + 1);
    if (rc == ECCN_OK)
        out->data[0] = '\0'; /* a new buffer's first byte, when nothing is appended */
    while (rc == ECCN_OK && *s) {
        /* The common case, a plain letter or digit, without a call (a load normalises 57,000
         * names). */
        unsigned char c = *s;
        if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z')) {
            if (out->len + 1 >= out->cap && (rc = eccn_buf_reserve(out, 1)) != ECCN_OK)
                break;
            out->data[out->len++] = (char)(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
            out->data[out->len] = '\0';
            space = false;
            s++;
            continue;
        }
        uint32_t cp;
        size_t n = utf8_decode(s, &cp);
        char tmp[4];
        const char *f = fold(cp, tmp);
        if (!f) {
            rc = eccn_buf_append(out, (const char *)s, n);
            space = false;
        } else if (f[0] == ' ') {
            if (!space)
                rc = eccn_buf_append(out, " ", 1);
            space = true;
        } else if (f[0]) {
            rc = eccn_buf_puts(out, f);
            space = false;
        }
        s += n;
    }
    if (rc == ECCN_OK && out->len && out->data[out->len - 1] == ' ')
        out->data[--out->len] = '\0';
    return rc;
}
