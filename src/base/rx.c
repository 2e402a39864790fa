/* rx.c: PCRE2 patterns under eccn's flags and limits (see rx.h). */
#include "rx.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stdlib.h>

/* Generous for the rules' and catalogue's patterns (which need a few hundred steps) and small
 * enough that a catastrophic one fails in microseconds. */
#define MATCH_LIMIT 100000
#define DEPTH_LIMIT 1000

struct eccn_rx_matcher {
    pcre2_match_context *mc;
    pcre2_match_data *md;
};

/* eccn_rx is pcre2_code under a name of ours, so that headers need not include pcre2.h. */
int eccn_rx_compile(const char *pattern, const char *what, const char *file, int line, int col,
                    eccn_rx **out, eccn_error *err)
{
    int ecode;
    PCRE2_SIZE eoff;
    pcre2_code *re = pcre2_compile((PCRE2_SPTR)pattern, PCRE2_ZERO_TERMINATED, PCRE2_CASELESS,
                                   &ecode, &eoff, NULL);
    *out = (eccn_rx *)re;
    if (re)
        return ECCN_OK;
    PCRE2_UCHAR msg[256];
    pcre2_get_error_message(ecode, msg, sizeof msg);
    return eccn_fail(err, ECCN_EINPUT, file, line, col,
                     "%s: pattern does not compile at offset %zu: %s", what, (size_t)eoff,
                     (const char *)msg);
}

void eccn_rx_jit(eccn_rx *re)
{
    if (re)
        (void)pcre2_jit_compile((pcre2_code *)re, PCRE2_JIT_COMPLETE);
}

void eccn_rx_free(eccn_rx *re)
{
    pcre2_code_free((pcre2_code *)re);
}

eccn_rx_matcher *eccn_rx_matcher_new(void)
{
    eccn_rx_matcher *m = calloc(1, sizeof *m);
    if (!m)
        return NULL;
    m->mc = pcre2_match_context_create(NULL);
    m->md = pcre2_match_data_create(1, NULL); /* only whether it matched: one pair */
    if (!m->mc || !m->md) {
        eccn_rx_matcher_free(m);
        return NULL;
    }
    pcre2_set_match_limit(m->mc, MATCH_LIMIT);
    pcre2_set_depth_limit(m->mc, DEPTH_LIMIT);
    return m;
}

void eccn_rx_matcher_free(eccn_rx_matcher *m)
{
    if (!m)
        return;
    pcre2_match_data_free(m->md);
    pcre2_match_context_free(m->mc);
    free(m);
}

eccn_rx_result eccn_rx_match(eccn_rx_matcher *m, const eccn_rx *re, const char *s, size_t n)
{
    int rc = pcre2_match((const pcre2_code *)re, (PCRE2_SPTR)s, n, 0, 0, m->md, m->mc);
    return rc >= 0 ? ECCN_RX_YES : rc == PCRE2_ERROR_NOMATCH ? ECCN_RX_NO : ECCN_RX_LIMIT;
}
