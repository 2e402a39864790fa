/* gen_inventory.c: writes a synthetic inventory CSV of N lines for the audit benchmark: about 16
 * distinct parts (part numbers and descriptions), 20 destinations, ship dates across 2022-2026,
 * some quoted descriptions. Deterministic (fixed seed), so runs compare. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv)
{
    static const char *const parts[][2] = {
        {"900-21010-0000-000", "NVIDIA H100 PCIe 80GB"},
        {"935-24287-0000-000", "HGX H100 8-GPU 80GB HBM3"},
        {"935-24287-00A0-000", "HGX H800 8-GPU, SXM5 80GB HBM3"},
        {"900-21001-0030-100", "NVIDIA A800 80GB PCIe"},
        {"900-21001-0020-100", "NVIDIA A100 80GB PCIe"},
        {"H20", "NVIDIA H20 96GB HBM3"},
        {"900-2G133-0080-000", "NVIDIA L40S 48GB"},
        {"900-2G133-0010-000", "NVIDIA L40 48GB"},
        {"900-2G193-0000-000", "NVIDIA L4 24GB"},
        {"900-2G133-00A0-000", "NVIDIA L20 48GB"},
        {"", "GeForce RTX 4090 24GB"},
        {"", "GeForce RTX 4090 D 24GB"},
        {"900-2G133-0000-100", "NVIDIA A40 48GB"},
        {"MI300X", "AMD Instinct MI300X OAM"},
        {"HL-225B", "Intel Gaudi 2 HL-225B"},
        {"935-26287-00A0-000", "HGX B200 8-GPU 180GB HBM3e"},
    };
    static const char *const dests[] = {"CN", "HK", "MO", "VN", "SA", "AE", "IL", "DE", "JP", "US",
                                        "IN", "SG", "MY", "TW", "KR", "GB", "RU", "NL", "BR", "MX"};
    long n = argc > 1 ? atol(argv[1]) : 1000000;
    unsigned long long s = 88172645463325252ull;
    printf("order_line,part_number,description,qty,ship_to_country,ship_date\n");
    for (long i = 0; i < n; i++) {
        s ^= s << 13, s ^= s >> 7, s ^= s << 17;
        unsigned p = (unsigned)(s % 16), d = (unsigned)((s >> 8) % 20);
        unsigned y = 2022 + (unsigned)((s >> 16) % 5), m = 1 + (unsigned)((s >> 24) % 12),
                 day = 1 + (unsigned)((s >> 32) % 28), q = 1 + (unsigned)((s >> 40) % 64);
        const char *desc = parts[p][1];
        int quote = strchr(desc, ',') != NULL || (s >> 48) % 4 == 0;
        printf("SO-%07ld-%ld,%s,%s%s%s,%u,%s,%04u-%02u-%02u\n", i / 4, i % 4 + 1, parts[p][0],
               quote ? "\"" : "", desc, quote ? "\"" : "", q, dests[d], y, m, day);
    }
    return 0;
}
