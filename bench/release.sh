# bench/release.sh, sourced by the benchmarks: bench_build_dir DIR sets B to the build to measure.
# The speed targets are stated for a Release build (static, -O3: see CMakeLists.txt), and the
# default `build` directory of the README is RelWithDebInfo and dynamic, for valgrind: measured on
# it, one `check` takes about 2 ms more, all of it in the dynamic loader. So with no directory
# given, the benchmarks configure and build build-rel as Release and measure that; a directory
# given is measured as it is, with a note on stderr when it is not a Release build.
bench_build_dir() {
    local src
    src=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
    if [ -z "${1:-}" ]; then
        B="$src/build-rel"
        local log
        # The build's output only when it fails: glibc's warnings about static linking are known
        # (CMakeLists.txt) and would otherwise precede every figure.
        if ! log=$(cmake -S "$src" -B "$B" -DCMAKE_BUILD_TYPE=Release 2>&1 &&
            cmake --build "$B" -j2 --target eccn eccn-gen-inventory eccn-spawn-time 2>&1); then
            echo "$log" >&2
            return 1
        fi
        return
    fi
    B=$1
    if [ ! -x "$B/eccn" ]; then
        echo "$B/eccn: not found; build it, or give no directory for a Release build" >&2
        return 2
    fi
    local type
    type=$(sed -n 's/^CMAKE_BUILD_TYPE:[A-Z]*=//p' "$B/CMakeCache.txt" 2>/dev/null || true)
    [ "$type" = Release ] ||
        echo "note: $B is a ${type:-non-CMake} build; the targets are stated for Release" >&2
}
