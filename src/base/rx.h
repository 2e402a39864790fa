/*
 * rx.h: the PCRE2 patterns that rules (`matches`) and the catalogue (`match`) carry. Both are
 * compiled the same way (caseless, 8-bit), optionally JIT-compiled, and matched under the same
 * limits, so that a catastrophic pattern fails in microseconds on any input instead of hanging
 * an audit of a million lines.
 */
#ifndef ECCN_RX_H
#define ECCN_RX_H

#include "util.h"

#include <stddef.h>

typedef struct eccn_rx eccn_rx;                 /* a compiled pattern */
typedef struct eccn_rx_matcher eccn_rx_matcher; /* match state: one per thread of use */

/* Compiles pattern into *out, owned by the caller (eccn_rx_free). On a bad pattern, err names
 * file, line and col, and says "<what>: pattern does not compile at offset N: <why>". */
int eccn_rx_compile(const char *pattern, const char *what, const char *file, int line, int col,
                    eccn_rx **out, eccn_error *err);
/* JIT-compiles re where the platform can; without it the interpreter gives the same answers. */
void eccn_rx_jit(eccn_rx *re);
void eccn_rx_free(eccn_rx *re);

/* NULL when out of memory. */
eccn_rx_matcher *eccn_rx_matcher_new(void);
void eccn_rx_matcher_free(eccn_rx_matcher *m);

typedef enum { ECCN_RX_NO = 0, ECCN_RX_YES = 1, ECCN_RX_LIMIT = -1 } eccn_rx_result;

/* Whether re matches somewhere in the n bytes at s. ECCN_RX_LIMIT: the match limits were hit
 * (or another matching failure), which is evidence neither way. */
eccn_rx_result eccn_rx_match(eccn_rx_matcher *m, const eccn_rx *re, const char *s, size_t n);

#endif
