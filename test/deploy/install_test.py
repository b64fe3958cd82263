#!/usr/bin/env python3
"""What `cmake --install` places (deploy/CMakeLists.txt), installed from BUILD_DIR into
temporary DESTDIRs with the prefixes /usr and /opt/scc.

Usage: install_test.py SOURCE_DIR BUILD_DIR

- exactly the expected files, with their modes;
- the hooks.d entries and config.json name the paths of the install's own prefix (for /usr
  the hooks.d files are the repository's byte for byte), and config.json is valid under
  schema/hook-config.schema.json;
- the man pages render without warnings, carry the binary's version and have a section for
  every subcommand the binary lists;
- the bash completions offer exactly the subcommands and long options the binaries list.
"""
import gzip
import json
import os
import re
import subprocess
import sys
import tempfile
import unittest

import jsonschema

SOURCE = os.path.abspath(sys.argv[1]) if len(sys.argv) > 1 else ""
BUILD = os.path.abspath(sys.argv[2]) if len(sys.argv) > 2 else ""


def install(prefix):
    d = tempfile.mkdtemp(prefix="scc-install.")
    subprocess.run(["cmake", "--install", BUILD, "--prefix", prefix], check=True,
                   env=dict(os.environ, DESTDIR=d), stdout=subprocess.DEVNULL)
    return d


def listing(root):
    """{path below root: octal mode} of every file and every empty directory."""
    out = {}
    for top, dirs, files in os.walk(root):
        for f in files:
            p = os.path.join(top, f)
            out["/" + os.path.relpath(p, root)] = oct(os.stat(p).st_mode & 0o7777)
        if not dirs and not files:
            out["/" + os.path.relpath(top, root) + "/"] = oct(os.stat(top).st_mode & 0o7777)
    return out


def names(folder, suffix):
    return sorted(n for n in os.listdir(os.path.join(SOURCE, folder)) if n.endswith(suffix))


def help_of(binary, *args):
    return subprocess.run([binary, *args, "--help"], check=True, capture_output=True, text=True).stdout


def subcommands(help_text):
    section = help_text.split("Subcommands:\n", 1)[1]
    return [m.group(1) for m in re.finditer(r"^  (\S+)", section, re.M)]


def long_options(help_text):
    return sorted(set(re.findall(r"^  (?:-\w,)?(--[a-z][a-z-]*)", help_text, re.M)))


def complete(script, function, words, cwd):
    """COMPREPLY of the completion FUNCTION for the command line WORDS (cursor on the last)."""
    code = (f'source "{script}"; COMP_WORDS=({" ".join(repr(w) for w in words)}); '
            f'COMP_CWORD={len(words) - 1}; COMP_LINE="${{COMP_WORDS[*]}}"; COMP_POINT=${{#COMP_LINE}}; '
            f'{function}; printf "%s\\n" "${{COMPREPLY[@]}}"')
    out = subprocess.run(["bash", "--norc", "-c", code], check=True, capture_output=True, text=True, cwd=cwd)
    return sorted(filter(None, out.stdout.split("\n")))


class Install(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.usr = install("/usr")
        cls.opt = install("/opt/scc")
        cls.convert = cls.usr + "/usr/bin/seccomp-convert"
        cls.hook = cls.usr + "/usr/bin/seccomp-hook"

    @classmethod
    def tearDownClass(cls):
        subprocess.run(["rm", "-rf", cls.usr, cls.opt], check=True)

    def test_files_for_prefix_usr(self):
        rw, rx = "0o644", "0o755"
        want = {"/usr/bin/seccomp-convert": rx, "/usr/bin/seccomp-hook": rx,
                "/usr/libexec/seccomp-hook/install-profiles.sh": rx,
                "/usr/share/bash-completion/completions/seccomp-convert": rw,
                "/usr/share/bash-completion/completions/seccomp-hook": rw,
                "/usr/share/man/man1/seccomp-convert.1.gz": rw,
                "/usr/share/man/man8/seccomp-hook.8.gz": rw,
                "/etc/seccomp-hook/config.json": rw, "/etc/seccomp-hook/profiles/": rx,
                "/usr/share/doc/seccomp-hook/README.md": rw,
                "/usr/share/doc/seccomp-hook/examples/docker/seccomp-hook-runc": rx,
                "/usr/share/doc/seccomp-hook/examples/runc-crun/config-hooks.json": rw,
                "/usr/share/doc/seccomp-hook/examples/kubernetes/README.md": rw,
                "/usr/share/doc/seccomp-hook/examples/kubernetes/Dockerfile": rw}
        examples = "/usr/share/doc/seccomp-hook/examples/"
        globbed = (("profiles", ".json", "/usr/share/seccomp-hook/profiles/"),
                   ("schema", ".json", "/usr/share/seccomp-hook/schema/"),
                   ("deploy/hooks.d", ".json", "/usr/share/containers/oci/hooks.d/"),
                   ("deploy/docker", ".json", examples + "docker/"),
                   ("deploy/kubernetes", ".yaml", examples + "kubernetes/"),
                   ("deploy/kubernetes/examples", ".yaml", examples + "kubernetes/examples/"))
        for folder, suffix, dest in globbed:
            for n in names(folder, suffix):
                want[dest + n] = rw
        self.assertEqual(listing(self.usr), dict(sorted(want.items())))

    def test_hooks_d_for_prefix_usr_are_the_repository_files(self):
        for n in names("deploy/hooks.d", ".json"):
            with open(os.path.join(SOURCE, "deploy/hooks.d", n), "rb") as a, \
                    open(self.usr + "/usr/share/containers/oci/hooks.d/" + n, "rb") as b:
                self.assertEqual(b.read(), a.read(), n)

    def test_hooks_d_for_prefix_opt_name_that_prefix(self):
        for n in names("deploy/hooks.d", ".json"):
            with open(os.path.join(SOURCE, "deploy/hooks.d", n), encoding="utf-8") as f:
                src = json.load(f)
            with open(self.opt + "/opt/scc/share/containers/oci/hooks.d/" + n, encoding="utf-8") as f:
                got = json.load(f)
            self.assertEqual(got["hook"]["path"], "/opt/scc/bin/seccomp-hook", n)
            self.assertEqual(got["hook"]["args"][1:3], ["--config", "/opt/scc/etc/seccomp-hook/config.json"], n)
            got["hook"]["path"], got["hook"]["args"][2] = src["hook"]["path"], src["hook"]["args"][2]
            self.assertEqual(got, src, n)
        self.assertTrue(os.path.isfile(self.opt + "/opt/scc/bin/seccomp-hook"))
        self.assertTrue(os.path.isfile(self.opt + "/opt/scc/etc/seccomp-hook/config.json"))

    def test_config_names_the_prefix_and_is_valid(self):
        with open(os.path.join(SOURCE, "schema/hook-config.schema.json"), encoding="utf-8") as f:
            schema = json.load(f)
        for root, prefix, etc in ((self.usr, "/usr", "/etc"), (self.opt, "/opt/scc", "/opt/scc/etc")):
            with open(root + etc + "/seccomp-hook/config.json", encoding="utf-8") as f:
                config = json.load(f)
            jsonschema.validate(config, schema)
            self.assertEqual(config["profileDirs"],
                             [etc + "/seccomp-hook/profiles", prefix + "/share/seccomp-hook/profiles"])
            default = config["defaultProfile"]
            self.assertTrue(os.path.isfile(f"{root}{prefix}/share/seccomp-hook/profiles/{default}.json"), default)

    def test_man_pages(self):
        version = subprocess.run([self.convert, "--version"], check=True, capture_output=True,
                                 text=True).stdout.split()[-1]
        for page, binary in (("man1/seccomp-convert.1.gz", self.convert), ("man8/seccomp-hook.8.gz", self.hook)):
            path = self.usr + "/usr/share/man/" + page
            with gzip.open(path, "rt", encoding="utf-8") as f:
                roff = f.read()
            self.assertIn(f'"seccomp-hook {version}"', roff.split("\n.TH ", 1)[1].split("\n", 1)[0], page)
            sections = re.findall(r"^\.SS (\S+)$", roff, re.M)
            self.assertEqual(sorted(sections), sorted(subcommands(help_of(binary))), page)
            r = subprocess.run(["man", "--warnings", "-l", path], capture_output=True, text=True,
                               env=dict(os.environ, MANWIDTH="80", LC_ALL="C.UTF-8"))
            self.assertEqual((r.returncode, r.stderr), (0, ""), page)
            self.assertIn("SYNOPSIS", r.stdout, page)

    def test_completion_of_seccomp_convert(self):
        script = self.usr + "/usr/share/bash-completion/completions/seccomp-convert"
        with tempfile.TemporaryDirectory() as empty:
            cmds = subcommands(help_of(self.convert))
            self.assertEqual(complete(script, "_seccomp_convert", ["seccomp-convert", ""], empty), sorted(cmds))
            for c in cmds:
                want = long_options(help_of(self.convert, c))
                got = complete(script, "_seccomp_convert", ["seccomp-convert", c, "--"], empty)
                self.assertEqual(got, want, c)
            self.assertEqual(complete(script, "_seccomp_convert", ["seccomp-convert", "check", "--arch", ""], empty),
                             ["aarch64", "arm", "x32", "x86", "x86_64"])

    def test_completion_of_seccomp_hook(self):
        script = self.usr + "/usr/share/bash-completion/completions/seccomp-hook"
        with tempfile.TemporaryDirectory() as empty:
            modes = subcommands(help_of(self.hook))
            self.assertEqual(complete(script, "_seccomp_hook", ["seccomp-hook", ""], empty), sorted(modes))
            top = set(long_options(help_of(self.hook))) - {"--version"}
            for m in modes:
                want = sorted(top | set(long_options(help_of(self.hook, m))))
                got = complete(script, "_seccomp_hook", ["seccomp-hook", m, "--"], empty)
                self.assertEqual(got, want, m)


if __name__ == "__main__":
    if not SOURCE or not BUILD:
        print("usage: install_test.py SOURCE_DIR BUILD_DIR", file=sys.stderr)
        sys.exit(2)
    unittest.main(argv=[sys.argv[0], "-v"])
