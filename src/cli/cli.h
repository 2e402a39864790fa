/*
 * cli.h: what every command shares: locating rules/ and data/, the ledger path, option parsing,
 * and printing diagnostics. Only the CLI layer prints: results to stdout, diagnostics to stderr.
 *
 * Exit statuses: 0 no licence required (or success), 1 licence required, 3 indeterminate,
 * 2 usage or input error.
 */
#ifndef ECCN_CLI_H
#define ECCN_CLI_H

#include "audit.h"
#include "clearances.h"
#include "eval.h"
#include "ledger.h"
#include "record.h"
#include "retention.h"
#include "rules.h"
#include "util.h"

#include <stdio.h>

enum { EXIT_NLR = 0, EXIT_LR = 1, EXIT_USAGE = 2, EXIT_INDET = 3 };

#define CLI_MAX_WHAT_IF 8

typedef struct cli_env {
    const char *rules_dir, *data_dir, *db_path;
    const char *what_if[CLI_MAX_WHAT_IF];
    size_t nwhat_if;
    char rules_buf[4096], data_buf[4096], db_buf[4096];
    char state_buf[4096]; /* where the signed head and the key live (cli_open_ledger) */
    /* the command line as given, global options included (`eccn serve` hands it on whole) */
    int argc0;
    char **argv0;
} cli_env;

/* Takes global options (--rules, --data, --db, --what-if) out of argv wherever they stand. */
int cli_take_global(cli_env *env, int *argc, char **argv);
/* Matches "--name VALUE" or "--name=VALUE" at argv[*i]; advances *i past the value. */
bool cli_opt(int argc, char **argv, int *i, const char *name, const char **value);
int cli_open_rules(cli_env *env, eccn_ruleset **rs);
/* Reads data/recordkeeping.yaml (found as cli_open_rules finds data/). */
int cli_open_retention(cli_env *env, eccn_retention_policy *pol);
/* Finds data/ (and rules/) as cli_open_rules does, for commands that need only data/: 0 or
 * EXIT_USAGE. */
int cli_find_data(cli_env *env);
/* How a command opens the ledger: CLI_LEDGER_CREATE makes it when absent (audit);
 * CLI_LEDGER_BRIEF too, for one short transaction (check: eccn_ledger_open_brief);
 * CLI_LEDGER_PRESENT needs it to exist and migrates it (commands that read or annotate it, which a
 * mistyped --db must not create); CLI_LEDGER_AS_IS needs it to exist and leaves its schema alone
 * (verification, reports). */
typedef enum {
    CLI_LEDGER_CREATE,
    CLI_LEDGER_BRIEF,
    CLI_LEDGER_PRESENT,
    CLI_LEDGER_AS_IS,
    CLI_LEDGER_VERIFY /* as CLI_LEDGER_AS_IS; a schema changed outside eccn is exit 1, a finding */
} cli_ledger_mode;
int cli_open_ledger(cli_env *env, cli_ledger_mode mode, eccn_ledger **l);
/* Where the ledger is (--db, ECCN_DB, XDG_DATA_HOME, HOME), or NULL (said) when nowhere. */
const char *cli_ledger_path(cli_env *env);
/* Diagnostics on stderr, "eccn: " first. Both write through cli_write_safe: a message quotes
 * what the user's files hold, and a file must not be able to drive the terminal. */
void cli_print_error(const eccn_error *err);
/* Writes n bytes, each control character but newline and tab (C0, DEL, and C1 as UTF-8) as
 * \xNN, so that escape sequences from input are shown, not obeyed. */
void cli_write_safe(FILE *f, const char *s, size_t n);
/* printf to stdout through cli_write_safe: for text output that quotes what input files hold. */
void cli_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void cli_errorf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Parses a --date value or today's date when NULL. */
int cli_date(const char *text, eccn_date *out);
/* Validates a --map COLUMN=FIELD value and appends it to maps. Returns 0 or EXIT_USAGE. */
int cli_map(const char *value, const char **maps, size_t *nmaps);
/* Parses a record number (an audit run, a verdict id, a batch size): a whole number >= 1. what
 * names the argument in the diagnostic. Returns 0 or EXIT_USAGE. */
int cli_id(const char *what, const char *text, long long *out);
/* Resolves a country code or name; prints a diagnostic when unknown. */
const char *cli_country(const eccn_ruleset *rs, const char *what, const char *text);
/* Who is running eccn, for the ledger: the account of the real user id (what `id -un` prints),
 * since $USER is whatever the environment says; $USER, then "uid N", only for an account without
 * a name (a container running under an unlisted uid). */
const char *cli_user(void);

int cmd_classify(cli_env *env, int argc, char **argv);
int cmd_check(cli_env *env, int argc, char **argv);
int cmd_margin(cli_env *env, int argc, char **argv);
int cmd_impact(cli_env *env, int argc, char **argv);
int cmd_report(cli_env *env, int argc, char **argv);
int cmd_ledger(cli_env *env, int argc, char **argv);
/* ledger verify | check | hold | release | purge (cmd_integrity.c) */
int ledger_verify(cli_env *env, int argc, char **argv);
int ledger_check(cli_env *env, int argc, char **argv);
int ledger_hold(cli_env *env, int argc, char **argv); /* and release */
int ledger_purge(cli_env *env, int argc, char **argv);
int ledger_backup(cli_env *env, int argc, char **argv);
int ledger_head(cli_env *env, int argc, char **argv);
int cmd_replay(cli_env *env, int argc, char **argv);
int cmd_rules(cli_env *env, int argc, char **argv);
int cmd_audit(cli_env *env, int argc, char **argv);
int cmd_vendors(cli_env *env, int argc, char **argv);
int cmd_screen(cli_env *env, int argc, char **argv); /* cmd_screen.c */
int cmd_lists(cli_env *env, int argc, char **argv);  /* lists show | import (cmd_screen.c) */
/* screen --clear (cmd_clear.c): records a review of NAME's possible matches. */
int cli_screen_clear(cli_env *env, eccn_screen_lists *lists, const char *name, const char *country,
                     const char *reason, bool force);
/* The reviews recorded in the ledger (cmd_clear.c), for check: none when there is no ledger yet
 * and create is false. Returns 0 or EXIT_USAGE (said). */
int cli_load_clearances(cli_env *env, bool create, eccn_clearances *out);

int cmd_serve(cli_env *env, int argc, char **argv); /* cmd_serve.c */

#endif
