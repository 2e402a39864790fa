/* fuzz_yaml.c: libFuzzer target for the rule and data YAML loader: the bytes as a YAML document
 * (ydoc), as a device catalogue, as the countries and groups files, and as a rule file loaded
 * into a rule set beside the real data. */
#include "catalog.h"
#include "geo.h"
#include "rules.h"
#include "ydoc.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

static void ignore(const eccn_error *problem, void *ctx)
{
    (void)problem;
    (void)ctx;
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    static char dir[] = "/tmp/eccn-fuzz-yaml-XXXXXX";
    static int ready;
    ydoc *doc = NULL;
    eccn_error err = {0};
    if (!ready)
        ready = mkdtemp(dir) != NULL;
    if (ydoc_load_mem("fuzz.yaml", data, size, &doc, &err) == ECCN_OK) {
        eccn_catalog *cat = NULL;
        eccn_geo *geo = NULL;
        if (eccn_catalog_load(doc, &cat, &err) == ECCN_OK) {
            const eccn_part *p;
            eccn_catalog_compile(cat, &err);
            eccn_catalog_resolve(cat, "H100 SXM5 80GB", &p, &err);
        }
        eccn_catalog_free(cat);
        if (eccn_geo_load(doc, doc, &geo, &err) == ECCN_OK)
            eccn_geo_resolve(geo, "China");
        eccn_geo_free(geo);
        ydoc_free(doc);
        /* As a rule file: only documents that parse, so the heavy part runs on those. */
        char path[128];
        snprintf(path, sizeof path, "%s/act.yaml", dir);
        FILE *f = fopen(path, "wb");
        if (f) {
            fwrite(data, 1, size, f);
            fclose(f);
            eccn_ruleset *rs = NULL;
            if (eccn_ruleset_open(dir, FUZZ_DATA_DIR, NULL, 0, &rs, &err) == ECCN_OK)
                eccn_ruleset_lint(rs, ignore, NULL);
            eccn_ruleset_free(rs);
        }
    }
    return 0;
}
