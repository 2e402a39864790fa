/* resume.c: going on with a run another process started. The run's options are stored with it
 * as text (options_text), so that a resumed run judges its remaining lines exactly as the first
 * process would have; and the texts and evaluations it recorded keep their numbers, so the lines
 * still to come refer to the rows already there. (Comparing two runs, `audit diff`, is one query
 * of the ledger's: eccn_audit_store_diff.) */
#include "audit_internal.h"
#include "resolve.h"

#include <stdlib.h>
#include <string.h>

void options_text(const eccn_audit_opts *o, eccn_datefmt datefmt, eccn_buf *b)
{
    eccn_buf_printf(b, "date=%s\nto=%s\ndelimiter=%d\nstrict=%d\n",
                    o->default_date ? o->default_date : "", o->default_to ? o->default_to : "",
                    o->delimiter, o->strict);
    for (size_t i = 0; i < o->nmaps; i++)
        eccn_buf_printf(b, "map=%s\n", o->maps[i]);
    /* Only when not ISO: a run of an ISO file is recorded with the options it always had, so
     * the runs recorded before dates were decided are still found for reuse. */
    if (o->sheet)
        eccn_buf_printf(b, "sheet=%s\n", o->sheet);
    if (datefmt == ECCN_DATEFMT_DMY || datefmt == ECCN_DATEFMT_MDY)
        eccn_buf_printf(b, "date_format=%d\n", (int)datefmt);
}

/* The inverse of options_text. */
static void parse_options(char *text, stored_run *sr)
{
    char *save = NULL;
    for (char *t = strtok_r(text, "\n", &save); t; t = strtok_r(NULL, "\n", &save)) {
        if (strncmp(t, "date=", 5) == 0 && t[5])
            sr->o.default_date = strncpy(sr->date, t + 5, sizeof sr->date - 1);
        else if (strncmp(t, "to=", 3) == 0 && t[3])
            sr->o.default_to = strncpy(sr->to, t + 3, sizeof sr->to - 1);
        else if (strncmp(t, "delimiter=", 10) == 0)
            sr->o.delimiter = (char)atoi(t + 10);
        else if (strncmp(t, "sheet=", 6) == 0)
            sr->o.sheet = strncpy(sr->sheet, t + 6, sizeof sr->sheet - 1);
        else if (strncmp(t, "date_format=", 12) == 0)
            sr->o.date_format = (eccn_datefmt)atoi(t + 12);
        else if (strncmp(t, "what_if=", 8) == 0) {
            size_t len = strlen(sr->what_if);
            snprintf(sr->what_if + len, sizeof sr->what_if - len, "%s%s", len ? " " : "", t + 8);
        } else if (strncmp(t, "lists=", 6) == 0)
            snprintf(sr->lists, sizeof sr->lists, "%s", t + 6);
        else if (strncmp(t, "strict=", 7) == 0)
            sr->o.strict = atoi(t + 7) != 0;
        else if (strncmp(t, "map=", 4) == 0 && sr->o.nmaps < ECCN_AUDIT_MAX_MAPS) {
            strncpy(sr->maps[sr->o.nmaps], t + 4, sizeof sr->maps[0] - 1);
            sr->o.maps[sr->o.nmaps] = sr->maps[sr->o.nmaps];
            sr->o.nmaps++;
        }
    }
}

int load_run(eccn_ledger *l, const eccn_audit_opts *given, stored_run *sr, eccn_error *err)
{
    eccn_audit_run_info *info = malloc(sizeof *info);
    int rc = info ? ECCN_OK : ECCN_ENOMEM;
    memset(sr, 0, sizeof *sr);
    sr->o.resume_run = given->resume_run;
    sr->o.out_csv = given->out_csv;
    sr->o.batch = given->batch; /* how often to commit is this process's choice */
    sr->o.progress = given->progress;
    sr->o.progress_ctx = given->progress_ctx;
    if (rc != ECCN_OK || (rc = eccn_audit_store_run(l, given->resume_run, info, err)) != ECCN_OK)
        goto done;
    if (info->complete) {
        rc = eccn_fail(err, ECCN_EINPUT, eccn_ledger_path(l), 0, 0,
                       "audit run %lld is already complete", given->resume_run);
        goto done;
    }
    snprintf(sr->path, sizeof sr->path, "%s", given->path ? given->path : info->file);
    sr->o.path = sr->path;
    parse_options(info->options, sr);
    sr->offset = info->resume_offset;
    sr->line = info->resume_line;
    sr->lines_read = info->lines_read;
done:
    free(info);
    return rc;
}

static int reload_text(long long id, const char *t, size_t n, void *ctx)
{
    run *r = ctx;
    bool added;
    text_val *e = eccn_hmap_get(&r->texts, t, n, &added);
    if (!e)
        return ECCN_ENOMEM;
    e->id = id;
    if (id > r->next_text)
        r->next_text = id;
    return ECCN_OK;
}

typedef struct reload_ctx {
    run *r;
    eccn_error *err;
} reload_ctx;

static int reload_eval(const eccn_audit_eval_info *ev, void *ctx)
{
    run *r = ((reload_ctx *)ctx)->r;
    eccn_date date = 0;
    bool added;
    eccn_date_parse(ev->epoch_date, strlen(ev->epoch_date), &date);
    /* The key holds the same pointers a live lookup would: catalogue part, canonical codes. */
    const void *key[4] = {eccn_resolve_id(r->rs, ev->part_id),
                          eccn_geo_resolve(r->rs->geo, ev->destination),
                          ev->hq_given ? eccn_geo_resolve(r->rs->geo, ev->hq_given) : NULL,
                          (const void *)(intptr_t)eccn_ruleset_epoch(r->rs, date)};
    long long *id = eccn_hmap_get(&r->evals, key, sizeof key, &added);
    if (!id)
        return ECCN_ENOMEM;
    if ((size_t)ev->id != r->ninfo + 1)
        return eccn_fail(((reload_ctx *)ctx)->err, ECCN_EDB, eccn_ledger_path(r->l), 0, 0,
                         "audit run %lld has gaps in its evaluations", r->run_id);
    *id = ev->id;
    eval_info *in = push_info(r);
    if (!in)
        return ECCN_ENOMEM;
    in->verdict = verdict_from_word(ev->verdict);
    snprintf(in->eccn, sizeof in->eccn, "%s", ev->eccn);
    snprintf(in->destination, sizeof in->destination, "%s", ev->destination);
    in->lines = ev->lines;
    in->quantity = ev->quantity;
    if ((ev->reason && !(in->reason = eccn_strdup(ev->reason))) ||
        info_deciding(r, in, ev->provision, ev->citation, ev->title, ev->exceptions) != ECCN_OK)
        return ECCN_ENOMEM;
    r->next_eval = ev->id;
    return ECCN_OK;
}

int reload(run *r, eccn_error *err)
{
    reload_ctx c = {r, err};
    int rc = eccn_audit_store_each_text(r->l, r->run_id, reload_text, r, err);
    if (rc == ECCN_OK)
        rc = eccn_audit_store_each_eval(r->l, r->run_id, reload_eval, &c, err);
    return rc == ECCN_OK ? parties_reload(r, err) : rc;
}
