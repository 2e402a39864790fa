# shellcheck shell=bash
# bench/common.sh, sourced by the benchmarks.
#
# bench_build_dir DIR: sets B to the build to measure and BUILD_TYPE to its CMAKE_BUILD_TYPE. With
# DIR empty, configures and builds build-rel as Release (the targets are stated for Release) and
# measures that; a directory given is measured as it is, with a note when it is not Release.
# Also sets SRC (the source tree) and VENDOR (the vendor tables, $ECCN_VENDOR_DIR or
# ../shared/data/vendor beside the source tree).
# bench_result NAME FIGURE BASELINE TARGET HOLDS: one row of bench/all.sh's table, on stdout
# after a "RESULT" tag.
SRC=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

bench_build_dir() {
    if [ -z "${1:-}" ]; then
        B="$SRC/build-rel"
        local log
        # The build's output only when it fails.
        if ! log=$(cmake -S "$SRC" -B "$B" -DCMAKE_BUILD_TYPE=Release 2>&1 &&
            cmake --build "$B" -j2 --target eccn eccn-gen-inventory eccn-bench-timer 2>&1); then
            echo "$log" >&2
            exit 1
        fi
    else
        B=$(cd "$1" 2>/dev/null && pwd) || { echo "$1: no such build directory" >&2; exit 2; }
    fi
    local t
    for t in eccn eccn-gen-inventory eccn-bench-timer; do
        if [ ! -x "$B/$t" ]; then
            echo "$B/$t: not found; build it (cmake --build $B --target $t), or give no" \
                "directory for a Release build" >&2
            exit 2
        fi
    done
    BUILD_TYPE=$(sed -n 's/^CMAKE_BUILD_TYPE:[A-Z]*=//p' "$B/CMakeCache.txt" 2>/dev/null || true)
    BUILD_TYPE=${BUILD_TYPE:-none}
    [ "$BUILD_TYPE" = Release ] ||
        echo "note: $B is a $BUILD_TYPE build; the targets are stated for Release" >&2
}

VENDOR=${ECCN_VENDOR_DIR:-$SRC/../shared/data/vendor}
INVENTORY=${INVENTORY:-realistic}
# bench_inventory N FILE: N lines of the realistic inventory (INVENTORY=easy: the earlier
# benchmark's file); exit 2 when the vendor tables it draws from are not there.
bench_inventory() {
    if [ "$INVENTORY" = easy ]; then
        "$B/eccn-gen-inventory" --easy "$1" >"$2"
        return
    fi
    if ! ls "$VENDOR"/nvidia-*.csv "$VENDOR"/amd-*.csv >/dev/null 2>&1; then
        echo "$0: the vendor tables are not in $VENDOR (nvidia-*.csv, amd-*.csv); they are" \
            "../shared/data/vendor beside a checkout, or set ECCN_VENDOR_DIR" >&2
        exit 2
    fi
    "$B/eccn-gen-inventory" --vendor "$VENDOR" --data "$SRC/data" "$1" >"$2"
}

bench_result() {
    echo "RESULT | $1 | $2 | $3 | $4 | $5 |"
}

# awk helpers: median of the numbers on stdin; a <= b as yes/no.
bench_median() {
    sort -g | awk '{v[NR] = $1}
        END {if (NR) print (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2)}'
}
bench_le() {
    awk -v a="$1" -v b="$2" 'BEGIN {print (a + 0 <= b + 0) ? "yes" : "no"}'
}

# bench_fsyncs CMD...: the fewest and the most fsync and fdatasync calls, every thread included,
# that CMD makes in 5 runs (strace), as "MIN MAX", or "? ?" without strace. A durable commit
# makes at least one every run; a log folded back now and then adds some to one run in many.
bench_fsyncs() {
    command -v strace >/dev/null || { echo "? ?"; return; }
    local f _
    f=$(mktemp)
    for _ in 1 2 3 4 5; do
        strace -f -qq -e trace=fsync,fdatasync -o "$f" "$@" >/dev/null 2>&1 || true
        grep -cE '(^|[[:space:]])f(data)?sync\(' "$f" || true
    done | sort -n | sed -n '1p;$p' | paste -sd' '
    rm -f "$f"
}
