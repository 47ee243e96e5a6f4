#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Fails when libamber holds writable global or static data. Amber keeps every piece of mutable
# state on the Machine / Device / CPU structs (so one process can run many machines, and a
# save-state captures everything); a writable symbol is almost always a hidden singleton.
#
# Flags nm classes D d B b G g S s (initialised, zeroed and small data), and V v when the symbol
# sits in a writable section. Symbols in .data.rel.ro* are fine: that is const data holding
# pointers (a const table of strings in position-independent code), read-only after relocation.
#
# Environment: NM (default nm), AMBER_BUILDDIR (default .), both exported by `make check`.

NM=${NM:-nm}
lib=${AMBER_BUILDDIR:-.}/libamber.a

# Allow-list: one "object.o:symbol" per line with the reason after it. Keep it short; every entry
# needs a reason a reviewer would accept.
allow='
'

if [ ! -f "$lib" ]; then
    echo "check-globals: $lib not found (build first, or set AMBER_BUILDDIR)" >&2
    exit 1
fi

out=$(LC_ALL=C "$NM" -f sysv "$lib" 2>&1) || {
    echo "check-globals: $NM failed on $lib:" >&2
    echo "$out" >&2
    exit 1
}

bad=$(printf '%s\n' "$out" | awk -F'|' -v allow="$allow" '
    BEGIN {
        n = split(allow, lines, "\n")
        for (i = 1; i <= n; i++) {
            split(lines[i], w, " ")
            if (w[1] != "") ok[w[1]] = 1
        }
    }
    /^Symbols from / {
        member = $0
        sub(/^Symbols from [^[]*\[/, "", member)
        sub(/\]:.*$/, "", member)
        next
    }
    NF >= 7 {
        name = $1; class = $3; sect = $7
        gsub(/ /, "", name); gsub(/ /, "", class); gsub(/ /, "", sect)
        if (sect ~ /^\.data\.rel\.ro/) next
        # Instrumentation added by the compiler (sanitizers, coverage) is not Amber state.
        if (name ~ /^(__odr_asan|__asan_|__ubsan_|__sancov_|__gcov|__llvm_gcov|__llvm_prf|__tsan_)/) next
        flag = class ~ /^[DdBbGgSs]$/
        if (class ~ /^[Vv]$/ && sect ~ /^\.(data|bss|tdata|tbss|sdata|sbss)/) flag = 1
        if (!flag) next
        if ((member ":" name) in ok) next
        printf "  %s: %s (nm class %s, section %s)\n", member, name, class, sect
    }
')

count=$(printf '%s\n' "$out" | grep -c '^Symbols from ')
if [ -n "$bad" ]; then
    echo "check-globals: writable data symbols in $lib (state belongs on Machine/Device/CPU structs;"
    echo "make the table const, or move the variable into the owning struct):"
    printf '%s\n' "$bad"
    exit 1
fi
if [ "$count" -eq 0 ]; then
    echo "check-globals: $NM listed no objects in $lib" >&2
    exit 1
fi
echo "check-globals: $count objects in $lib, no writable data symbols"
exit 0
