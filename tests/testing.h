/*
 * testing.h: what every unit-test program shares. A test is a function; the program's TESTS
 * table names them, and `PROGRAM NAME` runs one (CTest registers each name as its own test, so
 * `ctest -j2` runs them apart). A failed CHECK prints the expression and its line and the
 * program exits 1.
 */
#ifndef ECCN_TESTING_H
#define ECCN_TESTING_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int failures;

#define CHECK(x)                                                                                   \
    do {                                                                                           \
        if (!(x)) {                                                                                \
            fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #x);                  \
            failures++;                                                                            \
        }                                                                                          \
    } while (0)

typedef struct test_case {
    const char *name;
    void (*fn)(void);
} test_case;

/* A fresh directory for one test program's files, removed by run_tests when the tests end. */
static char test_dir[64];

static inline const char *make_test_dir(void)
{
    if (!test_dir[0]) {
        strcpy(test_dir, "/tmp/eccn-test-XXXXXX");
        if (!mkdtemp(test_dir)) {
            perror("mkdtemp");
            exit(2);
        }
    }
    return test_dir;
}

/* Runs the test named argv[1], or every test without an argument; 2 when there is no such
 * test, 1 when a CHECK failed, else 0. */
static inline int run_tests(const test_case *tests, size_t n, int argc, char **argv)
{
    int ran = 0;
    for (size_t i = 0; i < n; i++)
        if (argc < 2 || strcmp(argv[1], tests[i].name) == 0) {
            tests[i].fn();
            ran++;
        }
    if (test_dir[0]) {
        char cmd[96];
        snprintf(cmd, sizeof cmd, "rm -rf '%s'", test_dir);
        if (system(cmd) != 0)
            failures++;
    }
    if (!ran) {
        fprintf(stderr, "no test named %s\n", argv[1]);
        return 2;
    }
    return failures ? 1 : 0;
}

#endif
