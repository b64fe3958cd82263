#!/usr/bin/env python3
"""Generate core/src/tables/*.inc, the syscall tables of scc::syscall_table.

Usage: gen_syscall_tables.py SOURCE_DIR [OUTPUT_DIR]

SOURCE_DIR holds the kernel-derived inputs (x86_64.tbl, aarch64.tbl,
arg-widths.tsv, prototypes.tsv; see ../shared/syscall-tables/README.md).
OUTPUT_DIR defaults to core/src/tables beside this script.

Where each table comes from:
  x86_64   x86_64.tbl rows with abi common or 64
  x32      x86_64.tbl rows with abi common or x32, numbered nr | 0x40000000
           (as seccomp_data.nr carries them)
  aarch64  every aarch64.tbl row (the file is already arm64's selection)
  x86, arm the installed libseccomp's names (numbers 0..1023, and arm's
           private 0x0f0000.. range), plus the generic rows (aarch64.tbl,
           abi common) numbered 424 and up, which every arch shares.

The script fails loudly (non-zero exit, nothing written) when an input is
malformed, a table has a duplicate, or libseccomp disagrees with a row it
knows. The output depends on the installed libseccomp for x86 and arm; its
version is written into every file so a regeneration diff explains itself.
"""

import ctypes
import ctypes.util
import hashlib
import os
import sys
import tempfile
from pathlib import Path

X32_BIT = 0x40000000
GENERIC_SHARED_FROM = 424  # the first number allocated the same on every arch
LIBSECCOMP_SCAN = range(0, 1024)
ARM_PRIVATE_SCAN = range(0x0F0000, 0x0F0100)  # __ARM_NR_BASE: breakpoint, set_tls, ...

# AUDIT_ARCH_* values, which are libseccomp's SCMP_ARCH_* tokens.
SCMP_ARCH = {
    "x86_64": 0xC000003E,
    "x32": 0x4000003E,
    "x86": 0x40000003,
    "aarch64": 0xC00000B7,
    "arm": 0x40000028,
}

# One .inc per arch: (file stem, C++ identifier stem).
ARCHES = [
    ("x86_64", "X86_64"),
    ("x32", "X32"),
    ("x86", "X86"),
    ("aarch64", "Aarch64"),
    ("arm", "Arm"),
]

WIDTH_CODE = {"32": "W32", "64": "W64", "-": "WNo", "?": "WUn"}

# Prototype types that are one 64-bit value but two registers on a 32-bit ABI.
SPLIT_ON_32BIT = {"loff_t", "u64", "__u64", "s64", "__s64", "long long", "unsigned long long"}


class GenError(Exception):
    pass


def sha256(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def read_tbl(path):
    """Rows of a .tbl: (number, abi, name, entry or None), checked ascending."""
    rows = []
    for lineno, line in enumerate(path.read_text(encoding="ascii").splitlines(), 1):
        cols = line.split("\t")
        if len(cols) not in (3, 4) or not cols[0].isdigit() or not cols[2]:
            raise GenError(f"{path.name}:{lineno}: malformed row {line!r}")
        entry = cols[3] if len(cols) == 4 else None
        rows.append((int(cols[0]), cols[1], cols[2], entry))
    numbers = [r[0] for r in rows]
    if numbers != sorted(numbers):
        raise GenError(f"{path.name}: rows are not in ascending order")
    return rows


def read_arg_widths(path):
    """{arch: {name: (entry, argc, [w0..w5])}} from arg-widths.tsv."""
    out = {}
    for lineno, line in enumerate(path.read_text(encoding="ascii").splitlines(), 1):
        cols = line.split("\t")
        well_formed = len(cols) == 10 and (cols[3].isdigit() or cols[3] == "?")
        if not well_formed or any(w not in WIDTH_CODE for w in cols[4:]):
            raise GenError(f"{path.name}:{lineno}: malformed row {line!r}")
        per_arch = out.setdefault(cols[0], {})
        if cols[1] in per_arch:
            raise GenError(f"{path.name}:{lineno}: second row for {cols[0]} {cols[1]}")
        argc = int(cols[3]) if cols[3].isdigit() else None  # None: no prototype found
        per_arch[cols[1]] = (cols[2], argc, cols[4:])
    return out


def read_prototypes(path):
    """{function: [type0, ...]} from prototypes.tsv (first variant wins)."""
    out = {}
    for line in path.read_text(encoding="ascii").splitlines():
        cols = line.split("\t")
        out.setdefault(cols[0], cols[2:])
    return out


class Libseccomp:
    def __init__(self):
        name = ctypes.util.find_library("seccomp") or "libseccomp.so.2"
        self.lib = ctypes.CDLL(name)
        self.libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        self.lib.seccomp_syscall_resolve_num_arch.restype = ctypes.c_void_p
        self.lib.seccomp_syscall_resolve_num_arch.argtypes = [ctypes.c_uint32, ctypes.c_int]
        self.lib.seccomp_syscall_resolve_name_arch.restype = ctypes.c_int
        self.lib.seccomp_syscall_resolve_name_arch.argtypes = [ctypes.c_uint32, ctypes.c_char_p]
        self.lib.seccomp_version.restype = ctypes.POINTER(ctypes.c_uint * 3)
        self.libc.free.argtypes = [ctypes.c_void_p]

    def version(self):
        return ".".join(str(v) for v in self.lib.seccomp_version().contents)

    def name_of(self, arch, number):
        ptr = self.lib.seccomp_syscall_resolve_num_arch(SCMP_ARCH[arch], number)
        if not ptr:
            return None
        name = ctypes.string_at(ptr).decode("ascii")
        self.libc.free(ptr)
        return name

    def number_of(self, arch, name):
        """The number, or None for unknown names and pseudo-syscalls (< 0)."""
        nr = self.lib.seccomp_syscall_resolve_name_arch(SCMP_ARCH[arch], name.encode("ascii"))
        return nr if nr >= 0 else None


def libseccomp_rows(lsc, arch):
    numbers = list(LIBSECCOMP_SCAN) + (list(ARM_PRIVATE_SCAN) if arch == "arm" else [])
    rows = {}
    for nr in numbers:
        name = lsc.name_of(arch, nr)
        if name is not None:
            rows[nr] = name
    return rows


def compat_table(lsc, arch, generic_rows):
    """x86 or arm: libseccomp's rows plus the shared generic rows 424+."""
    rows = libseccomp_rows(lsc, arch)
    for nr, abi, name, _ in generic_rows:
        if nr < GENERIC_SHARED_FROM or abi != "common":
            continue
        known_name = rows.get(nr)
        known_nr = lsc.number_of(arch, name)
        if known_name is not None and known_name != name:
            raise GenError(f"{arch}: libseccomp names {nr} {known_name!r}, generic table {name!r}")
        if known_nr is not None and known_nr != nr:
            raise GenError(f"{arch}: libseccomp numbers {name!r} {known_nr}, generic table {nr}")
        rows[nr] = name
    return sorted(rows.items())


def check_against_libseccomp(lsc, arch, table):
    """Fail on any row whose name libseccomp resolves to another number, or
    whose number libseccomp gives another name."""
    bad = []
    for nr, name in table:
        known = lsc.number_of(arch, name)
        if known is not None and known != nr:
            bad.append(f"{name}: table {nr:#x}, libseccomp {known:#x}")
        known_name = lsc.name_of(arch, nr)
        if known_name is not None and known_name != name:
            bad.append(f"{nr:#x}: table {name}, libseccomp {known_name}")
    if bad:
        raise GenError(f"{arch}: rows differ from libseccomp:\n  " + "\n  ".join(bad))


def check_unique(arch, table):
    numbers = [nr for nr, _ in table]
    names = [name for _, name in table]
    if numbers != sorted(set(numbers)):
        raise GenError(f"{arch}: numbers are not strictly ascending")
    dups = sorted({n for n in names if names.count(n) > 1})
    if dups:
        raise GenError(f"{arch}: duplicate names {dups}")


def native_widths(arch, table, widths):
    """x86_64 and aarch64: the arg-widths.tsv row of each name, which must exist."""
    rows = widths[arch]
    missing = [name for _, name in table if name not in rows]
    extra = sorted(set(rows) - {name for _, name in table})
    if missing or extra:
        raise GenError(f"{arch}: arg-widths.tsv missing {missing}, not in table {extra}")
    return {name: rows[name][2] for _, name in table}


def x32_widths(table, widths):
    """x32 takes the x86_64 widths of the same name (ARG-WIDTHS.md has no x32 rows)."""
    rows = widths["x86_64"]
    missing = [name for _, name in table if name not in rows]
    if missing:
        raise GenError(f"x32: no x86_64 arg-widths row for {missing}")
    return {name: rows[name][2] for _, name in table}


def compat_widths(arch, table, widths, prototypes):
    """x86 and arm: every present argument is 32-bit (32-bit registers,
    zero-extended into seccomp_data). The argument count is borrowed from the
    64-bit row of the same name; rows without a real entry point on the 64-bit
    arch say nothing about the 32-bit one and are skipped. Where the 64-bit
    prototype has a loff_t/u64 argument the 32-bit ABI splits it into two
    registers, so slots past the 64-bit count are unknown, not absent."""
    order = ["x86_64", "aarch64"] if arch == "x86" else ["aarch64", "x86_64"]
    out = {}
    for _, name in table:
        out[name] = ["?"] * 6
        for source in order:
            row = widths[source].get(name)
            if row is None or row[0] in ("-", "sys_ni_syscall") or row[1] is None:
                continue
            entry, argc, _ = row
            split = any(t in SPLIT_ON_32BIT for t in prototypes.get(entry, []))
            past = "?" if split else "-"
            out[name] = ["32" if i < argc else past for i in range(6)]
            break
    return out


def render(arch, ident, table, widths, header):
    by_name = sorted(range(len(table)), key=lambda i: table[i][1])
    lines = [header, ""]
    lines.append(f"constexpr std::array<SyscallEntry, {len(table)}> k{ident}Entries{{{{")
    for nr, name in table:
        lines.append(f'    {{"{name}", {nr:#x}}},')
    lines.append("}};")
    lines.append("")
    lines.append(f"// Positions in k{ident}Entries, ascending by name.")
    lines.append(f"constexpr std::array<std::uint16_t, {len(table)}> k{ident}ByName{{{{")
    for i in range(0, len(by_name), 12):
        lines.append("    " + " ".join(f"{p}," for p in by_name[i:i + 12]))
    lines.append("}};")
    lines.append("")
    lines.append(f"// Argument widths, parallel to k{ident}Entries.")
    lines.append(f"constexpr std::array<ArgWidths, {len(table)}> k{ident}Widths{{{{")
    for nr, name in table:
        codes = ", ".join(WIDTH_CODE[w] for w in widths[name])
        lines.append(f"    {{{codes}}},  // {name}")
    lines.append("}};")
    return "\n".join(lines) + "\n"


# What each file says about where its rows and widths come from.
PROVENANCE = {
    "x86_64": ["Rows: x86_64.tbl abi common+64. Widths: arg-widths.tsv (x86_64)."],
    "x32": ["Rows: x86_64.tbl abi common+x32, number | 0x40000000.",
            "Widths: the x86_64 row of the same name (ARG-WIDTHS.md has no x32 rows)."],
    "aarch64": ["Rows: every aarch64.tbl row. Widths: arg-widths.tsv (aarch64)."],
    "x86": ["Rows: libseccomp's x86 names, plus aarch64.tbl abi common rows 424 and up.",
            "Widths: every present argument 32-bit; the count from the x86_64 (else",
            "aarch64) row of the same name; unknown where no such row, or past that",
            "count when a loff_t/u64 argument takes two registers here."],
    "arm": ["Rows: libseccomp's arm names, plus aarch64.tbl abi common rows 424 and up.",
            "Widths: every present argument 32-bit; the count from the aarch64 (else",
            "x86_64) row of the same name; unknown where no such row, or past that",
            "count when a loff_t/u64 argument takes two registers here."],
}


def file_header(arch, sources, lsc_version):
    lines = [
        f"// {arch} syscall table. GENERATED by core/tools/gen_syscall_tables.py; do not edit.",
        "// Regenerate as core/tools/README.md says. Inputs (../shared/syscall-tables/):",
    ]
    for path in sources:
        lines.append(f"//   {path.name} sha256 {sha256(path)}")
    role = "source of these rows" if arch in ("x86", "arm") else "cross-checked"
    lines.append(f"// libseccomp {lsc_version} ({role})")
    lines.extend(f"// {line}" for line in PROVENANCE[arch])
    lines.append("// Included by core/src/syscall_table.cpp only.")
    return "\n".join(lines)


def write_atomic(path, text):
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name + ".")
    try:
        with os.fdopen(fd, "w", encoding="ascii") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise


def build(src, lsc):
    x86_64_rows = read_tbl(src / "x86_64.tbl")
    generic_rows = read_tbl(src / "aarch64.tbl")
    widths = read_arg_widths(src / "arg-widths.tsv")
    prototypes = read_prototypes(src / "prototypes.tsv")
    tables = {
        "x86_64": [(nr, name) for nr, abi, name, _ in x86_64_rows if abi in ("common", "64")],
        "x32": [(nr | X32_BIT, name) for nr, abi, name, _ in x86_64_rows if abi in ("common", "x32")],
        "aarch64": [(nr, name) for nr, _, name, _ in generic_rows],
        "x86": compat_table(lsc, "x86", generic_rows),
        "arm": compat_table(lsc, "arm", generic_rows),
    }
    for arch, table in tables.items():
        check_unique(arch, table)
        check_against_libseccomp(lsc, arch, table)
    arg_widths = {
        "x86_64": native_widths("x86_64", tables["x86_64"], widths),
        "aarch64": native_widths("aarch64", tables["aarch64"], widths),
        "x32": x32_widths(tables["x32"], widths),
        "x86": compat_widths("x86", tables["x86"], widths, prototypes),
        "arm": compat_widths("arm", tables["arm"], widths, prototypes),
    }
    return tables, arg_widths


def main(argv):
    if len(argv) not in (2, 3):
        print(__doc__.split("\n\n")[1], file=sys.stderr)
        return 2
    src = Path(argv[1])
    out = Path(argv[2]) if len(argv) == 3 else Path(__file__).resolve().parent.parent / "src" / "tables"
    lsc = Libseccomp()
    try:
        tables, arg_widths = build(src, lsc)
    except (GenError, OSError, UnicodeDecodeError) as e:
        print(f"gen_syscall_tables: error: {e}", file=sys.stderr)
        return 1
    out.mkdir(parents=True, exist_ok=True)
    native_sources = {
        "x86_64": ["x86_64.tbl", "arg-widths.tsv"],
        "x32": ["x86_64.tbl", "arg-widths.tsv"],
        "aarch64": ["aarch64.tbl", "arg-widths.tsv"],
        "x86": ["aarch64.tbl", "x86_64.tbl", "arg-widths.tsv", "prototypes.tsv"],
        "arm": ["aarch64.tbl", "x86_64.tbl", "arg-widths.tsv", "prototypes.tsv"],
    }
    for arch, ident in ARCHES:
        header = file_header(arch, [src / n for n in native_sources[arch]], lsc.version())
        text = render(arch, ident, tables[arch], arg_widths[arch], header)
        write_atomic(out / f"{arch}.inc", text)
        print(f"{arch}: {len(tables[arch])} syscalls -> {out / (arch + '.inc')}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
