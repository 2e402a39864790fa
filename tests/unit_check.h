/* unit_check.h: CHECK and the runner shared by the unit test executables: each case is a
 * function listed in TESTS; `EXE NAME` runs one case (CTest registers each), `EXE` runs all, and a
 * failed CHECK prints the expression and line. Include once, in the test's .c file, after which
 * it defines TESTS and calls unit_main from main. */
#ifndef ECCN_UNIT_CHECK_H
#define ECCN_UNIT_CHECK_H

#include <stdio.h>
#include <string.h>

static int failures;
#define CHECK(x)                                                                                   \
    do {                                                                                           \
        if (!(x)) {                                                                                \
            fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #x);                  \
            failures++;                                                                            \
        }                                                                                          \
    } while (0)

typedef struct unit_test {
    const char *name;
    void (*fn)(void);
} unit_test;

static inline int unit_main(const unit_test *tests, size_t n, int argc, char **argv)
{
    int ran = 0;
    for (size_t i = 0; i < n; i++)
        if (argc < 2 || strcmp(argv[1], tests[i].name) == 0) {
            tests[i].fn();
            ran++;
        }
    if (!ran) {
        fprintf(stderr, "%s: no test named '%s'\n", argv[0], argc > 1 ? argv[1] : "");
        return 2;
    }
    if (failures)
        fprintf(stderr, "%d check(s) failed\n", failures);
    return failures ? 1 : 0;
}

#endif
