/* main.c: eccn's entry point: global options, then one command. */
#define _DEFAULT_SOURCE /* madvise, MADV_HUGEPAGE */
#include "cli.h"

#include <malloc.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
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
          "  screen NAME [--country CC] [--json] | screen --batch FILE [--country CC]\n"
          "  lists show [--json] | lists import FILE [--force] [--date D] [--source TEXT]\n"
          "\n"
          "exit status: 0 no licence required, 1 licence required, 3 indeterminate,\n"
          "             2 usage or input error; screen: 0 clear, 1 hit, 3 review\n",
          f);
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
        {"screen", cmd_screen},     {"lists", cmd_lists},
    };
    for (size_t i = 0; i < sizeof COMMANDS / sizeof *COMMANDS; i++)
        if (strcmp(cmd, COMMANDS[i].name) == 0)
            return COMMANDS[i].run(&env, argc, argv);
    cli_errorf("unknown command '%s'", cmd);
    usage(stderr);
    return EXIT_USAGE;
}
