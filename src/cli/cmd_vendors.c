/* cmd_vendors.c: `eccn vendors list | check | import` (docs/vendors.md). */
#include "cli.h"
#include "crosscheck.h"
#include "jsonw.h"
#include "vendor.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int vendors_list(cli_env *env)
{
    eccn_ruleset *rs = NULL;
    int rc = cli_open_rules(env, &rs);
    if (rc)
        return rc;
    eccn_error err = {0};
    if (rs->vendors && eccn_vendors_ready(rs->vendors, &err) != ECCN_OK) {
        cli_print_error(&err);
        eccn_ruleset_free(rs);
        return EXIT_USAGE;
    }
    for (size_t i = 0; i < eccn_vendors_ntables(rs->vendors); i++) {
        const eccn_vendor_table *t = eccn_vendors_table(rs->vendors, i);
        printf("%s %s: %zu rows, %s\n  sha256 %s\n  source %s\n", t->name, t->date, t->nrows,
               t->file, t->sha256, t->source);
    }
    printf("rules revision (with the vendor tables): %s\n", rs->revision);
    eccn_ruleset_free(rs);
    return 0;
}

typedef struct check_ctx {
    bool json;
    jsonw w;
    eccn_buf out;
    size_t rows, flagged, decided_by_vendor, by_link[4];
} check_ctx;

static const char *status_text(const eccn_result *r)
{
    return r->status == ECCN_ST_CONTROLLED ? r->eccn : eccn_status_word(r->status);
}

static void on_row(const eccn_vendor_finding *f, void *vctx)
{
    check_ctx *c = vctx;
    const eccn_result *r = f->result;
    const eccn_vendor_row *row = f->row;
    c->rows++;
    c->decided_by_vendor += r->vendor_decided;
    if (!f->flagged)
        return;
    c->flagged++;
    const char *why = r->review[0] ? r->review : r->class_note;
    if (!c->json) {
        printf("%s %s [%s] vendor %s, eccn %s (%s): %s\n", row->table->name, row->part_number,
               row->description ? row->description : "", row->eccn, status_text(r),
               f->part->base ? f->part->base->id : "not in the catalogue", why);
        return;
    }
    jsonw_obj_begin(&c->w);
    jsonw_kv_str(&c->w, "vendor", row->table->name);
    jsonw_kv_str(&c->w, "part_number", row->part_number);
    jsonw_kv_str(&c->w, "description", row->description);
    jsonw_kv_str(&c->w, "vendor_eccn", row->eccn);
    jsonw_kv_str(&c->w, "eccn", r->eccn[0] ? r->eccn : NULL);
    jsonw_kv_str(&c->w, "status", eccn_status_word(r->status));
    jsonw_kv_str(&c->w, "catalogue_part", f->part->base ? f->part->base->id : NULL);
    jsonw_kv_str(&c->w, "linked_by", row->link);
    jsonw_kv_str(&c->w, "reason", why);
    jsonw_obj_end(&c->w);
}

static int vendors_check(cli_env *env, int argc, char **argv)
{
    const char *only = NULL, *date_s = NULL;
    check_ctx c = {0};
    for (int i = 2; i < argc; i++) {
        if (cli_opt(argc, argv, &i, "--vendor", &only) ||
            cli_opt(argc, argv, &i, "--date", &date_s))
            continue;
        if (strcmp(argv[i], "--json") == 0) {
            c.json = true;
            continue;
        }
        cli_errorf("vendors check: unexpected '%s'", argv[i]);
        return EXIT_USAGE;
    }
    eccn_date date;
    eccn_ruleset *rs = NULL;
    int rc = cli_date(date_s, &date);
    if (rc || (rc = cli_open_rules(env, &rs)))
        return rc;
    eccn_error err = {0};
    if (c.json) {
        jsonw_init(&c.w, &c.out);
        jsonw_obj_begin(&c.w);
        jsonw_kv_str(&c.w, "rules_revision", rs->revision);
        jsonw_key(&c.w, "flagged");
        jsonw_arr_begin(&c.w);
    }
    if (eccn_vendor_check_each(rs, only, date, on_row, &c, &err) != ECCN_OK) {
        cli_print_error(&err);
        rc = EXIT_USAGE;
    } else if (c.json) {
        jsonw_arr_end(&c.w);
        jsonw_key(&c.w, "rows");
        jsonw_num(&c.w, (double)c.rows);
        jsonw_key(&c.w, "decided_by_vendor");
        jsonw_num(&c.w, (double)c.decided_by_vendor);
        jsonw_obj_end(&c.w);
        printf("%s\n", c.out.data ? c.out.data : "{}");
    } else {
        printf("%zu rows, %zu flagged for review or undecided, %zu answered by the vendor's tier "
               "alone\n",
               c.rows, c.flagged, c.decided_by_vendor);
    }
    eccn_buf_free(&c.out);
    eccn_ruleset_free(rs);
    return rc;
}

static int vendors_import(cli_env *env, int argc, char **argv)
{
    const char *file = NULL, *name = NULL, *date = NULL, *source = NULL;
    for (int i = 2; i < argc; i++) {
        if (cli_opt(argc, argv, &i, "--vendor", &name) ||
            cli_opt(argc, argv, &i, "--date", &date) ||
            cli_opt(argc, argv, &i, "--source", &source))
            continue;
        if (argv[i][0] == '-' || file) {
            cli_errorf("vendors import: unexpected '%s'", argv[i]);
            return EXIT_USAGE;
        }
        file = argv[i];
    }
    eccn_date d;
    if (!file || !name || !date || !eccn_date_parse(date, strlen(date), &d)) {
        cli_errorf("usage: eccn vendors import FILE.csv --vendor NAME --date YYYY-MM-DD "
                   "[--source URL]");
        return EXIT_USAGE;
    }
    eccn_ruleset *rs = NULL;
    int rc = cli_open_rules(env, &rs); /* finds the data directory as every command does */
    if (rc)
        return rc;
    eccn_error err = {0};
    if (eccn_vendors_import(rs->data_dir, file, name, date, source ? source : file, &err) !=
        ECCN_OK) {
        cli_print_error(&err);
        rc = EXIT_USAGE;
    } else {
        printf("imported %s as %s's table of %s into %s/vendors/\n", file, name, date,
               rs->data_dir);
    }
    eccn_ruleset_free(rs);
    return rc;
}

int cmd_vendors(cli_env *env, int argc, char **argv)
{
    const char *sub = argc > 1 ? argv[1] : "list";
    if (strcmp(sub, "list") == 0)
        return vendors_list(env);
    if (strcmp(sub, "check") == 0)
        return vendors_check(env, argc, argv);
    if (strcmp(sub, "import") == 0)
        return vendors_import(env, argc, argv);
    cli_errorf("vendors: unknown subcommand '%s' (list, check, import)", sub);
    return EXIT_USAGE;
}
