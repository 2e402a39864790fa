/* cmd_clear.c: `eccn screen --clear NAME --reason TEXT [--country CC] [--force]`: a person's
 * review of a possible match, recorded in the ledger (clearances.h) with the user, the entries it
 * sets aside and the lists revision. check and audit then take NAME as clear of those entries
 * until the lists change them. */
#include "cli.h"
#include "clearances.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

int cli_load_clearances(cli_env *env, bool create, eccn_clearances *out)
{
    eccn_ledger *l = NULL;
    eccn_error err = {0};
    const char *path = cli_ledger_path(env);
    int rc = 0;
    memset(out, 0, sizeof *out);
    if (!path)
        return EXIT_USAGE;
    if (!create && access(path, F_OK) != 0)
        return 0;
    if ((rc = cli_open_ledger(env, CLI_LEDGER_BRIEF, &l)))
        return rc;
    if (eccn_clearances_load(l, out, &err) != ECCN_OK) {
        cli_print_error(&err);
        rc = EXIT_USAGE;
    }
    eccn_ledger_close(l);
    return rc;
}

int cli_screen_clear(cli_env *env, eccn_screen_lists *lists, const char *name, const char *country,
                     const char *reason, bool force)
{
    eccn_ledger *l = NULL;
    eccn_clearances done = {0};
    eccn_party_finding f = {0};
    eccn_error err = {0};
    size_t n = 0;
    int rc = 0;
    if (!reason || !reason[strspn(reason, " \t")]) {
        cli_errorf("screen --clear: --reason TEXT is required: say what was checked");
        return EXIT_USAGE;
    }
    if ((rc = cli_open_ledger(env, CLI_LEDGER_BRIEF, &l)))
        return rc;
    /* The reviews already recorded set their entries aside first: each is recorded once. */
    if (eccn_clearances_load(l, &done, &err) != ECCN_OK ||
        eccn_party_screen(lists, "party", name, country, &f, &err) != ECCN_OK ||
        eccn_party_apply_clearances(lists, &f, done.v, done.n) != ECCN_OK) {
        if (err.msg[0])
            cli_print_error(&err);
        else
            cli_errorf("out of memory");
        rc = EXIT_USAGE;
        goto done;
    }
    if (!f.result.nmatches) {
        printf("nothing to clear: %s%s%s is not on the lists%s\n", name, country ? " in " : "",
               country ? country : "", f.ncleared ? " but for entries already cleared" : "");
        goto done;
    }
    if (f.result.verdict == ECCN_SCREEN_HIT && !force) {
        cli_errorf("screen --clear: %s is a hit on %s %s, not a possible match; if it is a "
                   "namesake and you have checked, --force records that",
                   name, f.match->entry->list, f.match->entry->name);
        rc = EXIT_USAGE;
        goto done;
    }
    if (eccn_clearances_record(l, lists, &f, cli_user(), reason, &n, &err) != ECCN_OK) {
        cli_print_error(&err);
        rc = EXIT_USAGE;
        goto done;
    }
    for (size_t i = 0; i < f.result.nmatches; i++) {
        const eccn_screen_entry *e = f.result.matches[i].entry;
        printf("cleared: %s%s%s is not %s [%s%s%s] (score %.2f)\n", name, country ? " in " : "",
               country ? country : "", e->name, e->list, e->entity_number[0] ? " " : "",
               e->entity_number, f.result.matches[i].score);
    }
    printf("recorded by %s in %s, lists %.12s: check and audit take it as cleared until the lists "
           "change %s\n",
           cli_user(), env->db_path, eccn_screen_lists_info(lists)->revision,
           n == 1 ? "that entry" : "those entries");
done:
    eccn_party_finding_free(&f);
    eccn_clearances_free(&done);
    eccn_ledger_close(l);
    return rc;
}
