/* main.c: eccn's entry point: global options, then one command. */
#include "cli.h"
#include "help.h"

#include <stdlib.h>
#include <string.h>

/* `eccn help ...`: the list of commands, one command's help, or (for the build and the shell
 * completions) the man page and the words to complete. */
static int cmd_help(int argc, char **argv)
{
    if (argc < 3) {
        eccn_help_usage(stdout);
        return 0;
    }
    if (strcmp(argv[2], "--man") == 0) {
        eccn_help_man(stdout, ECCN_VERSION);
        return 0;
    }
    if (strcmp(argv[2], "--complete") == 0) {
        eccn_help_complete(stdout, argc > 3 ? argv[3] : NULL);
        return 0;
    }
    const char *topic =
        strcmp(argv[2], "--help") == 0 || strcmp(argv[2], "-h") == 0 ? "help" : argv[2];
    if (eccn_help_command(stdout, topic) != 0) {
        cli_errorf("no command '%s'", argv[2]);
        eccn_help_usage(stderr);
        return EXIT_USAGE;
    }
    return 0;
}

/* True when a command's arguments ask for its help: -h or --help before any "--". */
static bool wants_help(int argc, char **argv)
{
    for (int i = 2; i < argc && strcmp(argv[i], "--") != 0; i++)
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0)
            return true;
    return false;
}

int main(int argc, char **argv)
{
    static cli_env env; /* 12 KiB of path buffers: not on the stack */
    static char *argv0[256];
    if (argc < 256) { /* argv0[argc] stays NULL; a longer line is not handed on (serve_exec.c) */
        env.argc0 = argc;
        memcpy(argv0, argv, (size_t)argc * sizeof *argv);
        env.argv0 = argv0;
    }
    if (cli_take_global(&env, &argc, argv) != 0)
        return EXIT_USAGE;
    if (argc < 2) {
        eccn_help_usage(stderr);
        return EXIT_USAGE;
    }
    const char *cmd = argv[1];
    if (strcmp(cmd, "-h") == 0 || strcmp(cmd, "--help") == 0 || strcmp(cmd, "help") == 0)
        return cmd_help(argc, argv);
    if (eccn_help_known(cmd) && wants_help(argc, argv))
        return eccn_help_command(stdout, cmd) == 0 ? 0 : EXIT_USAGE;
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
        {"screen", cmd_screen},     {"lists", cmd_lists},   {"vendors", cmd_vendors},
        {"serve", cmd_serve},
    };
    for (size_t i = 0; i < sizeof COMMANDS / sizeof *COMMANDS; i++)
        if (strcmp(cmd, COMMANDS[i].name) == 0)
            return COMMANDS[i].run(&env, argc, argv);
    cli_errorf("unknown command '%s'", cmd);
    eccn_help_usage(stderr);
    return EXIT_USAGE;
}
