/* main.c: eccn's entry point: global options, then one command. */
#include "cli.h"

#include <malloc.h>
#include <string.h>

static void usage(FILE *f)
{
    fputs("usage: eccn [--rules DIR] [--data DIR] [--db PATH] [--what-if RULE] COMMAND ...\n"
          "\n"
          "commands:\n"
          "  classify SKU | --spec K=V,...  [--date D] [--json] [--explain]\n"
          "  check SKU | --spec K=V,... --to CC [--hq CC] [--date D] [--qty N]\n"
          "        [--consignee NAME] [--json] [--explain] [--no-record]\n"
          "  audit FILE.csv [--date D] [--to CC] [--map COLUMN=FIELD] [--delimiter C]\n"
          "        [--strict] [--out RESULTS.csv] [--json] [--quiet] [--force]\n"
          "  audit --resume RUN | audit diff RUN_A RUN_B\n"
          "  ledger list [--since D] [--json] | ledger show ID [--json] | ledger runs\n"
          "  replay ID [--json]\n"
          "  rules list | rules show ID | rules lint | rules test\n"
          "\n"
          "exit status: 0 no licence required, 1 licence required, 3 indeterminate,\n"
          "             2 usage or input error\n",
          f);
}

int main(int argc, char **argv)
{
    cli_env env = {0};
    /* Keep freed memory for reuse instead of returning it to the kernel: each fresh page costs a
     * fault (about 15 us on the CI machine), which dominates a single `eccn check`. */
    mallopt(M_MMAP_THRESHOLD, 64 << 20);
    mallopt(M_TRIM_THRESHOLD, 256 << 20);
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
    if (strcmp(cmd, "classify") == 0)
        return cmd_classify(&env, argc, argv);
    if (strcmp(cmd, "check") == 0)
        return cmd_check(&env, argc, argv);
    if (strcmp(cmd, "ledger") == 0)
        return cmd_ledger(&env, argc, argv);
    if (strcmp(cmd, "replay") == 0)
        return cmd_replay(&env, argc, argv);
    if (strcmp(cmd, "rules") == 0)
        return cmd_rules(&env, argc, argv);
    if (strcmp(cmd, "audit") == 0)
        return cmd_audit(&env, argc, argv);
    cli_errorf("unknown command '%s'", cmd);
    usage(stderr);
    return EXIT_USAGE;
}
