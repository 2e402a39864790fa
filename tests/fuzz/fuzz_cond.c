/* fuzz_cond.c: libFuzzer target for conditions: the bytes as a YAML condition, parsed against the
 * real geography and evaluated (three-valued, with a trace) for a few parts and destinations. */
#include "cond.h"
#include "eval.h"
#include "rules.h"
#include "ydoc.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    static eccn_ruleset *rs;
    eccn_error err = {0};
    ydoc *doc = NULL;
    eccn_cond *c = NULL;
    if (!rs && eccn_ruleset_open(FUZZ_RULES_DIR, FUZZ_DATA_DIR, NULL, 0, &rs, &err) != ECCN_OK)
        return 0;
    if (ydoc_load_mem("fuzz.yaml", data, size, &doc, &err) != ECCN_OK)
        return 0;
    if (doc->root && eccn_cond_parse("fuzz.yaml", doc->root, rs->geo, &c, &err) == ECCN_OK) {
        static const char *const parts[] = {"h20", "rtx-4090", "hgx-h100-8gpu", "mi308x"};
        static const char *const dests[] = {"CN", "HK", "DE", "UA-43"};
        for (int i = 0; i < 4; i++) {
            eccn_query q = {.part = eccn_catalog_find_id(rs->cat, parts[i]), .quantity = 1};
            eccn_result r = {0};
            eccn_trace trace = {0};
            if (!q.part)
                continue;
            q.spec = q.part->spec;
            eccn_date_parse("2025-06-01", 10, &q.date);
            q.destination = dests[i];
            /* The subject as the evaluator builds it, then the fuzzed condition on it. */
            if (eccn_evaluate(rs, &q, &r, &err) == ECCN_OK) {
                eccn_subject s = {.metrics = &r.metrics,
                                  .vendor = q.part->vendor,
                                  .model = q.part->model,
                                  .part_id = q.part->id,
                                  .name = q.part->spec.name,
                                  .destination = dests[i],
                                  .headquarters = dests[i],
                                  .date = q.date,
                                  .geo = rs->geo,
                                  .status = r.status,
                                  .eccn = r.eccn[0] ? r.eccn : NULL,
                                  .kind = q.part->kind};
                eccn_cond_eval(c, &s, &trace);
            }
            eccn_trace_free(&trace);
            eccn_result_free(&r);
        }
    }
    eccn_cond_free(c);
    ydoc_free(doc);
    return 0;
}
