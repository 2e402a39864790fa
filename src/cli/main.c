/* main.c: eccn's entry point: global options, then one command. */
#include "cli.h"

#include <stdlib.h>
#include <string.h>

static void usage(FILE *f)
{
    fputs("usage: eccn [--rules DIR] [--data DIR] [--db PATH] [--what-if RULE] COMMAND ...\n"
          "\n"
          "commands:\n"
          "  classify SKU | --spec K=V,...  [--date D] [--json] [--explain]\n"
          "  check SKU | --spec K=V,... --to CC [--hq CC] [--date D] [--qty N]\n"
          "        [--consignee NAME] [--json] [--explain] [--no-record]\n"
          "  margin SKU | --spec K=V,...  [--date D] [--to CC [--hq CC]] [--json]\n"
          "  impact --from D1 --to D2 [--inventory FILE.csv | --run RUN] [--json]\n"
          "  report [--run ID | --since D --until D] [--format html|md|json|csv] [-o FILE]\n"
          "        [--org NAME]\n"
          "  audit FILE.csv [--date D] [--to CC] [--map COLUMN=FIELD] [--delimiter C]\n"
          "        [--strict] [--out RESULTS.csv] [--json] [--quiet] [--force]\n"
          "  audit --resume RUN | audit diff RUN_A RUN_B\n"
          "  ledger list [--since D] [--json] | ledger show ID [--json] | ledger runs\n"
          "  ledger verify | ledger check | ledger hold ID|--run RUN --reason TEXT\n"
          "  ledger release ID|--run RUN | ledger purge --before D | ledger backup DEST\n"
          "  replay ID [--json]\n"
          "  rules list | rules show ID | rules lint | rules test\n"
          "\n"
          "exit status: 0 no licence required, 1 licence required, 3 indeterminate,\n"
          "             2 usage or input error\n",
          f);
}

int main(int argc, char **argv)
{
    static cli_env env; /* 12 KiB of path buffers: not on the stack */
    if (cli_take_global(&env, &argc, argv) != 0)
        return EXIT_USAGE;
    if (argc < 2) {
        usage(stderr);
        return EXIT_USAGE;
    }
    const char *cmd = argv[1];
    if (strcmp(cmd, "-h") == 0 || strcmp(cmd, "--help") == 0 || strcmp(cmd, "help") == 0) {
        usage(stdout);
        return 0;
    }
    if (strcmp(cmd, "--version") == 0 || strcmp(cmd, "version") == 0) {
        printf("eccn %s\n", ECCN_VERSION);
        return 0;
    }
    argc -= 1;
    argv += 1;
    static const struct {
        const char *name;
        int (*run)(cli_env *env, int argc, char **argv);
    } COMMANDS[] = {
        {"classify", cmd_classify}, {"check", cmd_check},   {"margin", cmd_margin},
        {"impact", cmd_impact},     {"report", cmd_report}, {"ledger", cmd_ledger},
        {"replay", cmd_replay},     {"rules", cmd_rules},   {"audit", cmd_audit},
    };
    for (size_t i = 0; i < sizeof COMMANDS / sizeof *COMMANDS; i++)
        if (strcmp(cmd, COMMANDS[i].name) == 0)
            return COMMANDS[i].run(&env, argc, argv);
    cli_errorf("unknown command '%s'", cmd);
    usage(stderr);
    return EXIT_USAGE;
}
