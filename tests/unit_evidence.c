/* unit_evidence.c: unit tests of the signing key (base/sign) and the ledger's signed head
 * (ledger/head). `unit_evidence NAME` runs one test (CTest registers each name). */
#include "testing.h"
#include "head.h"
#include "sign.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define dir make_test_dir()
static const char LEDGER[] = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";

static eccn_sign_key *key_in(const char *name, bool *created)
{
    char p[256];
    eccn_sign_key *k = NULL;
    eccn_error err = {0};
    snprintf(p, sizeof p, "%s/%s", dir, name);
    if (eccn_sign_key_open(p, &k, created, &err) != ECCN_OK)
        fprintf(stderr, "%s\n", err.msg);
    return k;
}

static void test_key_file(void)
{
    bool created = false;
    eccn_sign_key *a = key_in("key.pem", &created), *b = NULL;
    CHECK(a && created);
    char p[256];
    snprintf(p, sizeof p, "%s/key.pem", dir);
    struct stat st;
    CHECK(stat(p, &st) == 0 && (st.st_mode & 0777) == 0600);
    b = key_in("key.pem", &created); /* the same key, read back */
    CHECK(b && !created);
    unsigned char pa[ECCN_SIGN_PUBLEN], pb[ECCN_SIGN_PUBLEN], sig[ECCN_SIGN_SIGLEN];
    if (a && b) {
        eccn_sign_key_public(a, pa);
        eccn_sign_key_public(b, pb);
        CHECK(memcmp(pa, pb, sizeof pa) == 0);
        CHECK(eccn_sign(b, "msg", 3, sig, NULL) == ECCN_OK);
        CHECK(eccn_sign_verify(pa, "msg", 3, sig));
        CHECK(!eccn_sign_verify(pa, "msh", 3, sig));
        sig[5] ^= 1;
        CHECK(!eccn_sign_verify(pa, "msg", 3, sig));
    }
    eccn_sign_key_free(b);
    /* A key that others can read is refused, and so is a link to one. */
    CHECK(chmod(p, 0640) == 0);
    eccn_error err = {0};
    CHECK(eccn_sign_key_open(p, &b, &created, &err) == ECCN_EINPUT && !b);
    char l[256];
    snprintf(l, sizeof l, "%s/link.pem", dir);
    CHECK(chmod(p, 0600) == 0 && symlink(p, l) == 0);
    CHECK(eccn_sign_key_open(l, &b, &created, &err) != ECCN_OK && !b);
    eccn_sign_key_free(a);
}

static void test_head_text(void)
{
    bool created;
    eccn_sign_key *k = key_in("key.pem", &created);
    eccn_head_chain chains[2] = {{"verdicts", 12, {1, 2, 3}}, {"run 7 results", 400, {9}}};
    eccn_head h = {.chains = chains, .nchains = 2}, back;
    memcpy(h.ledger, LEDGER, sizeof LEDGER);
    eccn_buf text = {0};
    eccn_error err = {0};
    CHECK(k && eccn_head_encode(&h, k, &text, &err) == ECCN_OK);
    CHECK(eccn_head_decode(text.data, text.len, "h", &back, &err) == ECCN_OK);
    CHECK(back.nchains == 2 && strcmp(back.chains[1].name, "run 7 results") == 0 &&
          back.chains[1].position == 400 && back.chains[1].hash[0] == 9);
    CHECK(eccn_head_find(&back, "verdicts") && eccn_head_find(&back, "verdicts")->position == 12);
    eccn_head_free(&back);
    /* Any changed byte before the signature breaks it: a position, a hash digit, the ledger. */
    const char *edits[] = {"verdicts 12 ", "ledger 0", "run 7 results 400 0"};
    const char *into[] = {"verdicts 13 ", "ledger 1", "run 7 results 400 1"};
    for (size_t i = 0; i < 3; i++) {
        char *copy = eccn_strdup(text.data), *at = strstr(copy, edits[i]);
        CHECK(at != NULL);
        if (at)
            memcpy(at, into[i], strlen(into[i]));
        CHECK(eccn_head_decode(copy, strlen(copy), "h", &back, &err) == ECCN_EINPUT);
        free(copy);
    }
    /* A line dropped, or one added after the signature, is refused too. */
    char *copy = eccn_strdup(text.data), *chain = strstr(copy, "chain run");
    memmove(chain, strchr(chain, '\n') + 1, strlen(strchr(chain, '\n') + 1) + 1);
    CHECK(eccn_head_decode(copy, strlen(copy), "h", &back, &err) == ECCN_EINPUT);
    free(copy);
    eccn_buf_puts(&text, "chain verdicts 99 ");
    CHECK(eccn_head_decode(text.data, text.len, "h", &back, &err) == ECCN_EINPUT);
    eccn_buf_free(&text);
    eccn_sign_key_free(k);
}

static void test_head_store(void)
{
    bool created;
    eccn_sign_key *k = key_in("key.pem", &created), *other = key_in("other.pem", &created);
    unsigned char pub[ECCN_SIGN_PUBLEN], opub[ECCN_SIGN_PUBLEN];
    eccn_sign_key_public(k, pub);
    eccn_sign_key_public(other, opub);
    char state[256];
    snprintf(state, sizeof state, "%s/state", dir);
    eccn_head_chain c = {"verdicts", 5, {5}};
    eccn_head h = {.chains = &c, .nchains = 1}, got;
    memcpy(h.ledger, LEDGER, sizeof LEDGER);
    eccn_error err = {0};
    CHECK(eccn_head_load(state, LEDGER, pub, &got, &err) == ECCN_ENOTFOUND);
    CHECK(eccn_head_store(state, &h, k, &err) == ECCN_OK);
    struct stat st;
    CHECK(stat(state, &st) == 0 && (st.st_mode & 0777) == 0700);
    c.position = 6;
    CHECK(eccn_head_store(state, &h, k, &err) == ECCN_OK);
    CHECK(eccn_head_load(state, LEDGER, pub, &got, &err) == ECCN_OK && got.nchains == 1 &&
          got.chains[0].position == 6);
    eccn_head_free(&got);
    /* Going back means rows were lost: refused, and the stored head is unchanged. */
    c.position = 4;
    CHECK(eccn_head_store(state, &h, k, &err) == ECCN_EINPUT && strstr(err.msg, "removed"));
    CHECK(eccn_head_load(state, LEDGER, pub, &got, &err) == ECCN_OK && got.chains[0].position == 6);
    eccn_head_free(&got);
    /* A head signed with another key is not this machine's. */
    CHECK(eccn_head_load(state, LEDGER, opub, &got, &err) == ECCN_EINPUT);
    CHECK(eccn_head_load(state, "../../etc/passwd", pub, &got, &err) == ECCN_EINPUT);
    eccn_sign_key_free(k);
    eccn_sign_key_free(other);
}

static const test_case TESTS[] = {
    {"sign_key_file", test_key_file},
    {"head_text", test_head_text},
    {"head_store", test_head_store},
};

int main(int argc, char **argv)
{
    return run_tests(TESTS, sizeof TESTS / sizeof *TESTS, argc, argv);
}
