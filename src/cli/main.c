/* main.c: eccn's entry point: global options, then one command. */
#define _DEFAULT_SOURCE /* madvise, MADV_HUGEPAGE */
#include "cli.h"
#include "help.h"

#include <malloc.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
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

/* Puts the heap that a short run will use on a transparent huge page. Measured on the 2-core CI
 * VM, a fresh 4 KiB page costs about 15 us to fault in and a whole 2 MiB huge page about 150 us,
 * and a check touches some 600 KiB of heap (SQLite, the rule set). A spacer block moves glibc's
 * next chunk to a 2 MiB boundary; the 2 MiB after it are allocated, marked MADV_HUGEPAGE before
 * anything touches them, and handed back to the allocator. If the layout is not what we expect,
 * or THP is off, nothing changes but some untouched (never resident) address space. */
static void heap_on_huge_pages(void)
{
#if defined(MADV_HUGEPAGE) && defined(__GLIBC__) && !defined(__SANITIZE_ADDRESS__)
    const uintptr_t huge = (uintptr_t)2 << 20;
    /* Kept for the life of the process; volatile so that the stores stay and leak checkers see
     * them reachable. */
    static char *volatile probe, *volatile spacer;
    if (!(probe = malloc(64)))
        return;
    /* glibc: a 64-byte request is an 80-byte chunk; chunks carry a 16-byte header. */
    uintptr_t next = (uintptr_t)probe + 64;
    uintptr_t boundary = (next + 16 + 64 + huge - 1) & ~(huge - 1);
    if (!(spacer = malloc(boundary - 16 - next - 8)))
        return;
    char *block = malloc(huge);
    if ((uintptr_t)block == boundary)
        madvise(block, huge, MADV_HUGEPAGE);
    free(block);
#endif
}

/* Maps the program's code and the stack a command will use in two system calls, instead of one
 * page fault each as they are first touched: some 35 faults of the static binary's code (SQLite
 * alone registers FTS3, FTS5 and R*Tree from pages all over its text) and 20 of stack, worth
 * about 0.25 ms of a 5 ms check on the CI VM (bench/check.sh, interleaved). Linux 5.14 and later;
 * elsewhere, or if the stack mapping is smaller than assumed, nothing changes. */
static void prefault_code_and_stack(void)
{
#if defined(__linux__) && defined(MADV_POPULATE_READ) && defined(MADV_POPULATE_WRITE)
    extern char __executable_start[], etext[]; /* from the GNU linker */
    const uintptr_t page = 4096;
    uintptr_t code = (uintptr_t)__executable_start & ~(page - 1);
    madvise((void *)code, (uintptr_t)etext - code, MADV_POPULATE_READ);
    /* Linux maps at least 128 KiB of stack at exec; SQLite's parser and our paths use most of 96.
     */
    char here;
    uintptr_t top = (uintptr_t)&here & ~(page - 1);
    madvise((void *)(top - 96 * 1024), 96 * 1024, MADV_POPULATE_WRITE);
#endif
}

int main(int argc, char **argv)
{
    /* Static: zero from the start, where 16 KiB of zeroed stack would cost page faults. */
    static cli_env env;
    /* Keep freed memory for reuse instead of returning it to the kernel: each fresh page costs a
     * fault (about 15 us on the CI machine), which dominates a single `eccn check`. */
    mallopt(M_MMAP_THRESHOLD, 64 << 20);
    mallopt(M_TRIM_THRESHOLD, 256 << 20);
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
    heap_on_huge_pages();
    prefault_code_and_stack();
    argc -= 1;
    argv += 1;
    static const struct {
        const char *name;
        int (*run)(cli_env *env, int argc, char **argv);
    } COMMANDS[] = {
        {"classify", cmd_classify}, {"check", cmd_check},   {"margin", cmd_margin},
        {"impact", cmd_impact},     {"report", cmd_report}, {"ledger", cmd_ledger},
        {"replay", cmd_replay},     {"rules", cmd_rules},   {"audit", cmd_audit},
        {"vendors", cmd_vendors},
    };
    for (size_t i = 0; i < sizeof COMMANDS / sizeof *COMMANDS; i++)
        if (strcmp(cmd, COMMANDS[i].name) == 0)
            return COMMANDS[i].run(&env, argc, argv);
    cli_errorf("unknown command '%s'", cmd);
    eccn_help_usage(stderr);
    return EXIT_USAGE;
}
