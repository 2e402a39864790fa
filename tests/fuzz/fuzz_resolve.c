/* fuzz_resolve.c: libFuzzer target for SKU resolution against the real catalogue: ids, aliases,
 * part numbers, PCRE2 description patterns (with their match limits), suggestions. */
#include "catalog.h"
#include "rules.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    static eccn_ruleset *rs;
    eccn_error err = {0};
    if (!rs && eccn_ruleset_open(FUZZ_RULES_DIR, FUZZ_DATA_DIR, NULL, 0, &rs, &err) != ECCN_OK)
        return 0;
    char *text = malloc(size + 1);
    if (!text)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    const eccn_part *p = NULL;
    eccn_catalog_resolve(rs->cat, text, &p, &err);
    free(text);
    return 0;
}
