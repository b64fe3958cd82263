#!/usr/bin/env python3
"""Checks deploy/kubernetes/*.yaml against each other, the installer and the install tree.

Usage: kubernetes_manifests_test.py SOURCE_DIR BUILD_DIR

- every manifest parses (python3-yaml) and has the expected kinds and names;
- profiles-configmap.yaml is exactly what generate-configmap.sh prints for profiles/,
  and its values are the profiles' bytes; the generator keeps odd files exact;
- the DaemonSet's arguments point where its volumes are mounted: --source at the
  ConfigMap's mount, --root + --seccomp-dir at the hostPath mount of the kubelet's
  seccomp directory, --ready-file on the emptyDir that the readiness probe reads;
- its command and --convert are executables that `cmake --install --prefix /usr` places
  (installed here into a temporary DESTDIR from BUILD_DIR), and every option it passes is
  one install-profiles.sh knows;
- the example Pods select Localhost profiles `seccomp-hook/<key>` the ConfigMap holds.
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unittest

import yaml

SOURCE = os.path.abspath(sys.argv[1]) if len(sys.argv) > 1 else ""
BUILD = os.path.abspath(sys.argv[2]) if len(sys.argv) > 2 else ""
K8S = os.path.join(SOURCE, "deploy", "kubernetes")
KUBELET_SECCOMP = "/var/lib/kubelet/seccomp"


def load(name):
    with open(os.path.join(K8S, name), encoding="utf-8") as f:
        return list(yaml.safe_load_all(f))


def option_values(args):
    """--name value pairs of a container's args, in order; fails on a dangling option."""
    out = {}
    it = iter(args)
    for a in it:
        if not a.startswith("--"):
            raise AssertionError(f"argument {a!r} is not an option")
        out[a] = next(it)
    return out


class Manifests(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.namespace = load("namespace.yaml")
        cls.configmap = load("profiles-configmap.yaml")
        cls.daemonset = load("daemonset.yaml")
        cls.examples = {n: load(os.path.join("examples", n))
                        for n in sorted(os.listdir(os.path.join(K8S, "examples")))}
        ds = cls.daemonset[0]
        cls.pod = ds["spec"]["template"]["spec"]
        cls.container = cls.pod["containers"][0]
        cls.args = option_values(cls.container["args"])
        cls.mounts = {m["name"]: m for m in cls.container["volumeMounts"]}
        cls.volumes = {v["name"]: v for v in cls.pod["volumes"]}

    def test_kinds_and_names(self):
        self.assertEqual([(d["apiVersion"], d["kind"], d["metadata"]["name"]) for d in self.namespace],
                         [("v1", "Namespace", "seccomp-hook")])
        self.assertEqual([(d["apiVersion"], d["kind"], d["metadata"]["name"], d["metadata"]["namespace"])
                          for d in self.configmap],
                         [("v1", "ConfigMap", "seccomp-hook-profiles", "seccomp-hook")])
        self.assertEqual([(d["apiVersion"], d["kind"], d["metadata"]["name"], d["metadata"]["namespace"])
                          for d in self.daemonset],
                         [("apps/v1", "DaemonSet", "seccomp-hook-profiles", "seccomp-hook")])
        self.assertEqual(sorted(self.examples), ["pod-audit.yaml", "pod-busybox-httpd.yaml", "pod-runtime-default.yaml"])
        for name, docs in self.examples.items():
            self.assertEqual([(d["apiVersion"], d["kind"]) for d in docs], [("v1", "Pod")], name)

    def test_selector_matches_template(self):
        ds = self.daemonset[0]["spec"]
        labels = ds["template"]["metadata"]["labels"]
        for k, v in ds["selector"]["matchLabels"].items():
            self.assertEqual(labels.get(k), v, k)

    def test_configmap_is_the_generator_output(self):
        generated = subprocess.run([os.path.join(K8S, "generate-configmap.sh"), os.path.join(SOURCE, "profiles")],
                                   check=True, capture_output=True, text=True).stdout
        with open(os.path.join(K8S, "profiles-configmap.yaml"), encoding="utf-8") as f:
            committed = f.read()
        self.assertEqual(committed, generated,
                         "profiles-configmap.yaml is stale: run deploy/kubernetes/generate-configmap.sh "
                         "> deploy/kubernetes/profiles-configmap.yaml")

    def test_configmap_holds_every_profile_byte_for_byte(self):
        profiles = os.path.join(SOURCE, "profiles")
        shipped = sorted(n for n in os.listdir(profiles) if n.endswith(".json"))
        data = self.configmap[0]["data"]
        self.assertEqual(sorted(data), shipped)
        for n in shipped:
            with open(os.path.join(profiles, n), encoding="utf-8") as f:
                self.assertEqual(data[n], f.read(), n)

    def test_configmap_fits_the_size_limit(self):
        # The API server refuses a ConfigMap whose data exceeds 1 MiB.
        size = sum(len(k.encode()) + len(v.encode()) for k, v in self.configmap[0]["data"].items())
        self.assertLess(size, 1 << 20)

    def test_generator_keeps_odd_files_exact(self):
        cases = {"none.json": '{"a": 1}', "one.json": '{"a": 1}\n', "two.json": '{"a": 1}\n\n',
                 "lead.json": ' {"a":\n\n  1}\n', "blank-lines.json": '{\n\n  "a": 1\n}\n'}
        with tempfile.TemporaryDirectory() as d:
            for n, text in cases.items():
                with open(os.path.join(d, n), "w", encoding="utf-8") as f:
                    f.write(text)
            out = subprocess.run([os.path.join(K8S, "generate-configmap.sh"), d],
                                 check=True, capture_output=True, text=True).stdout
            self.assertEqual(yaml.safe_load(out)["data"], cases)
            with open(os.path.join(d, "tab.json"), "w", encoding="utf-8") as f:
                f.write('{\t"a": 1}\n')
            bad = subprocess.run([os.path.join(K8S, "generate-configmap.sh"), d], capture_output=True, text=True)
            self.assertEqual(bad.returncode, 1)
            self.assertEqual(bad.stderr, f"generate-configmap: {d}/tab.json holds a tab: indent it with spaces\n")

    def test_source_is_the_configmap_mount(self):
        m = self.mounts["profiles"]
        self.assertEqual(self.volumes["profiles"]["configMap"]["name"], self.configmap[0]["metadata"]["name"])
        self.assertEqual(self.args["--source"], m["mountPath"])
        self.assertTrue(m.get("readOnly"))

    def test_root_and_seccomp_dir_are_the_hostpath_mount(self):
        m = self.mounts["kubelet-seccomp"]
        host = self.volumes["kubelet-seccomp"]["hostPath"]
        self.assertEqual(host["path"], KUBELET_SECCOMP)
        self.assertEqual(host["type"], "DirectoryOrCreate")
        self.assertEqual(self.args["--seccomp-dir"], KUBELET_SECCOMP)
        self.assertEqual(self.args["--root"].rstrip("/") + self.args["--seccomp-dir"], m["mountPath"])
        self.assertFalse(m.get("readOnly", False))

    def test_ready_file_is_on_the_writable_tmp_and_probed(self):
        ready = self.args["--ready-file"]
        tmp = self.mounts["tmp"]["mountPath"]
        self.assertIn("emptyDir", self.volumes["tmp"])
        self.assertEqual(os.path.dirname(ready), tmp)
        self.assertEqual(self.container["readinessProbe"]["exec"]["command"][-1], ready)
        self.assertTrue(self.container["securityContext"]["readOnlyRootFilesystem"])
        self.assertEqual(int(self.args["--watch"]) > 0, True)

    def test_every_option_is_one_the_installer_knows(self):
        with open(os.path.join(K8S, "install-profiles.sh"), encoding="utf-8") as f:
            script = f.read()
        known = set(re.search(r"\n    (--source \|[^)]*)\)\n", script).group(1).replace(" ", "").split("|"))
        self.assertEqual(set(self.args) - known, set())

    def test_command_and_convert_are_installed(self):
        with tempfile.TemporaryDirectory() as d:
            env = dict(os.environ, DESTDIR=d)
            subprocess.run(["cmake", "--install", BUILD, "--prefix", "/usr"], check=True, env=env,
                           stdout=subprocess.DEVNULL)
            for path in (self.container["command"][0], self.args["--convert"]):
                self.assertTrue(os.path.isabs(path), path)
                installed = d + path
                self.assertTrue(os.path.isfile(installed), f"{path} is not installed by cmake --install")
                self.assertTrue(os.access(installed, os.X_OK), f"{path} is not executable")
            self.assertEqual(len(self.container["command"]), 1)
            with open(d + self.container["command"][0], "rb") as a, \
                    open(os.path.join(K8S, "install-profiles.sh"), "rb") as b:
                self.assertEqual(a.read(), b.read())
        with open(os.path.join(K8S, "Dockerfile"), encoding="utf-8") as f:
            dockerfile = f.read()
        self.assertIn(f'ENTRYPOINT ["{self.container["command"][0]}"]', dockerfile)

    def test_examples_use_profiles_of_the_configmap(self):
        keys = set(self.configmap[0]["data"])
        seen = []
        for name, docs in self.examples.items():
            spec = docs[0]["spec"]
            profiles = [spec.get("securityContext", {}).get("seccompProfile")]
            profiles += [c.get("securityContext", {}).get("seccompProfile") for c in spec["containers"]]
            for p in filter(None, profiles):
                self.assertEqual(p["type"], "Localhost", name)
                prefix, _, key = p["localhostProfile"].partition("/")
                self.assertEqual(prefix, "seccomp-hook", name)
                self.assertIn(key, keys, name)
                seen.append(key)
        self.assertEqual(sorted(seen), ["audit.json", "busybox-httpd.json", "runtime-default.json"])


if __name__ == "__main__":
    if not SOURCE or not BUILD:
        print("usage: kubernetes_manifests_test.py SOURCE_DIR BUILD_DIR", file=sys.stderr)
        sys.exit(2)
    if shutil.which("cmake") is None:
        print("cmake is missing", file=sys.stderr)
        sys.exit(1)
    unittest.main(argv=[sys.argv[0], "-v"])
