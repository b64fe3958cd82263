#!/usr/bin/env python3
"""Write the seed corpora of the libFuzzer targets into OUT/<target>/ (nothing is committed).

Sources: every profile of ../shared/corpus (when present), the shipped profiles, the test
fixtures (test/golden, deploy/) and the JSON/YAML raw string literals of the tests; BPF seeds
are those profiles compiled by SECCOMP_CONVERT (when given) behind a seccomp_data.

Usage: fuzz/seeds.py OUT [SECCOMP_CONVERT]
"""
import hashlib
import pathlib
import re
import struct
import subprocess
import sys
import tempfile

ROOT = pathlib.Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "corpus"
DIALECTS = 5  # dialect_names(): the read target's selector byte is 0 (detect) or 1..5
AUDIT_ARCH_X86_64 = 0xC000003E
AUDIT_ARCH_I386 = 0x40000003
LITERAL = re.compile(r'R"([A-Za-z_]{0,16})\((.*?)\)\1"', re.S)


def profile_files():
    files = []
    if SHARED.is_dir():
        files += sorted(p for p in SHARED.iterdir() if p.is_file())
    else:
        print(f"seeds: {SHARED} absent: seeding from the repository only", file=sys.stderr)
    files += sorted((ROOT / "profiles").glob("*.json"))
    files += sorted((ROOT / "test" / "golden").rglob("*.json"))
    files += sorted((ROOT / "deploy").rglob("*.json"))
    return files


def test_literals():
    """Raw string literals of the tests that look like JSON or YAML documents."""
    out = []
    for source in sorted((ROOT / "test").rglob("*.cpp")):
        for match in LITERAL.finditer(source.read_text(errors="replace")):
            text = match.group(2)
            if text.lstrip().startswith(("{", "[")) or "apiVersion" in text or "syscalls" in text:
                out.append(text.encode())
    return out


def write(directory, content):
    directory.mkdir(parents=True, exist_ok=True)
    name = hashlib.sha1(content).hexdigest()
    (directory / name).write_bytes(content)


def seccomp_data(nr, arch=AUDIT_ARCH_X86_64, args=(0, 0, 0, 0, 0, 0)):
    return struct.pack("=iIQ6Q", nr, arch, 0, *args)


def main():
    out = pathlib.Path(sys.argv[1])
    convert = sys.argv[2] if len(sys.argv) > 2 else None
    documents = [p.read_bytes() for p in profile_files()]
    literals = test_literals()
    for text in documents + literals:
        for selector in range(DIALECTS + 1):
            write(out / "fuzz_read_document", bytes([selector]) + text)
        write(out / "fuzz_compile", text)
    for text in literals:
        if b"ociVersion" in text:
            write(out / "fuzz_oci_state", text)
    for log in sorted((ROOT / "test" / "core" / "strace_log").glob("*")):
        if log.is_file():
            write(out / "fuzz_strace_log", bytes([0]) + log.read_bytes())
    write(out / "fuzz_oci_state", b'{"ociVersion":"1.0.2","id":"c1","status":"creating","pid":42,'
          b'"bundle":"/run/c1","annotations":{"io.example/seccomp":"runtime-default"}}')
    if convert:
        with tempfile.TemporaryDirectory() as tmp:
            for i, path in enumerate(profile_files()):
                program = pathlib.Path(tmp) / f"{i}.bpf"
                run = subprocess.run([convert, str(path), "--format", "bpf", "-o", str(program)],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                if run.returncode != 0:
                    continue
                code = program.read_bytes()
                for data in (seccomp_data(59), seccomp_data(41, args=(16, 3, 0, 0, 0, 0)),
                             seccomp_data(0x40000000 | 59), seccomp_data(11, AUDIT_ARCH_I386),
                             seccomp_data(1000)):
                    write(out / "fuzz_bpf", data + code)
    for target in sorted(p.name for p in out.iterdir()):
        print(f"seeds: {target}: {len(list((out / target).iterdir()))}")


if __name__ == "__main__":
    main()
