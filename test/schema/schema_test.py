#!/usr/bin/python3
"""Tests of the JSON Schemas in schema/ with Debian's python3-jsonschema (Draft 2020-12).

    schema_test.py metaschema            every schema in schema/ is a valid 2020-12 schema
    schema_test.py shipped               every profiles/*.json is valid under the Docker schema
    schema_test.py corpus                every ../shared/corpus profile gets the verdict listed
                                         in CORPUS (exit 77 when ../shared is absent)
    schema_test.py agree SECCOMP_CONVERT the fixtures (test/schema/fixtures, README.md there):
                                         good/ accepted and bad/ rejected by the schema AND by
                                         `seccomp-convert check`; only-check/ rejected by check
                                         alone; only-schema/ rejected by the schema alone

A fixture's schema is named by its file name: docker-*, oci-*, spo-* (each YAML document).
Prints one PASS/FAIL line per judgement; exit 0 when all pass, 1 otherwise.
"""
import json
import pathlib
import subprocess
import sys

try:
    import jsonschema
    import yaml
except ImportError as error:  # CI installs both through scripts/install-deps.sh
    print(f"FAIL: {error}: install python3-jsonschema and python3-yaml (scripts/install-deps.sh)")
    sys.exit(1)

REPO = pathlib.Path(__file__).resolve().parents[2]
SCHEMAS = REPO / "schema"
FIXTURES = REPO / "test" / "schema" / "fixtures"
SHARED_CORPUS = REPO.parent / "shared" / "corpus"

# Each corpus file: the schema it is judged by, and whether the schema accepts it.
# moby-example.json has errnoRet 12345, above the kernel's 4095 (check refuses it too);
# the hooks.d file is not a profile at all.
CORPUS = {
    "containers-common-default.json": ("docker", True),
    "containers-common-example.json": ("docker", True),
    "moby-conditional-include.json": ("docker", True),
    "moby-default-old-format.json": ("docker", True),
    "moby-default.json": ("docker", True),
    "moby-example.json": ("docker", False),
    "oci-seccomp-bpf-hook.hooks.d.json": ("docker", False),
    "runc-syscall-test1.json": ("oci", True),
    "runc-syscall-test2.json": ("oci", True),
    "spo-seccompprofile.yaml": ("spo", True),
}

SCHEMA_FILES = {
    "docker": "docker-seccomp.schema.json",
    "oci": "oci-seccomp.schema.json",
    "spo": "spo-seccompprofile.schema.json",
    "hook-config": "hook-config.schema.json",
}

failures = 0


def judge(what, ok, detail=""):
    global failures
    print(("PASS: " if ok else "FAIL: ") + what + ("" if ok or not detail else "\n  " + detail))
    if not ok:
        failures += 1


def load_schema(kind):
    return json.loads((SCHEMAS / SCHEMA_FILES[kind]).read_text())


def validator(kind):
    return jsonschema.Draft202012Validator(load_schema(kind))


def documents(path):
    """The JSON value of a file, or every document of a YAML stream."""
    text = path.read_text()
    if path.suffix in (".yaml", ".yml"):
        return [d for d in yaml.safe_load_all(text) if d is not None]
    return [json.loads(text)]


def first_error(kind, path):
    """The schema's first complaint about any document of PATH, or None."""
    v = validator(kind)
    for doc in documents(path):
        for error in sorted(v.iter_errors(doc), key=lambda e: list(e.absolute_path)):
            pointer = "/" + "/".join(str(p) for p in error.absolute_path)
            return f"{pointer}: {error.message[:160]}"
    return None


def finish():
    print(f"{failures} failure(s)" if failures else "all judgements passed")
    sys.exit(1 if failures else 0)


def test_metaschema():
    judge("python3-jsonschema has Draft202012Validator", hasattr(jsonschema, "Draft202012Validator"))
    for kind, name in SCHEMA_FILES.items():
        schema = load_schema(kind)
        judge(f"{name}: $schema is draft 2020-12",
              schema.get("$schema") == "https://json-schema.org/draft/2020-12/schema", schema.get("$schema"))
        try:
            jsonschema.Draft202012Validator.check_schema(schema)
            judge(f"{name}: valid under the 2020-12 metaschema", True)
        except jsonschema.exceptions.SchemaError as error:
            judge(f"{name}: valid under the 2020-12 metaschema", False, str(error)[:300])
    on_disk = sorted(p.name for p in SCHEMAS.glob("*.schema.json"))
    judge("every schema in schema/ is tested", on_disk == sorted(SCHEMA_FILES.values()), str(on_disk))


def test_shipped():
    profiles = sorted((REPO / "profiles").glob("*.json"))
    judge("profiles/ holds profiles", len(profiles) >= 3, str(profiles))
    for path in profiles:
        error = first_error("docker", path)
        judge(f"profiles/{path.name}: valid under the Docker schema", error is None, error or "")


def test_corpus():
    if not SHARED_CORPUS.is_dir():
        print(f"SKIPPED: {SHARED_CORPUS} is absent (../shared beside the repository: CI has it)")
        sys.exit(77)
    on_disk = sorted(p.name for p in SHARED_CORPUS.iterdir() if p.is_file())
    judge("every corpus file has an expected verdict", on_disk == sorted(CORPUS), str(on_disk))
    for name, (kind, valid) in sorted(CORPUS.items()):
        path = SHARED_CORPUS / name
        if not path.is_file():
            continue
        error = first_error(kind, path)
        verdict = "valid" if valid else "invalid"
        judge(f"corpus {name}: {verdict} under the {kind} schema", (error is None) == valid,
              error or "the schema accepts it")


def check_accepts(convert, path):
    """Whether `seccomp-convert check` accepts PATH (exit 0; 1 is a rejection)."""
    r = subprocess.run([convert, "check", str(path)], capture_output=True, text=True, timeout=60)
    if r.returncode not in (0, 1):
        judge(f"{path.name}: seccomp-convert check ran", False, f"exit {r.returncode}: {r.stderr}")
    return r.returncode == 0, (r.stdout + r.stderr).strip().splitlines()[:1]


def schema_kind(path):
    kind = path.name.split("-", 1)[0]
    if kind not in ("docker", "oci", "spo"):
        raise SystemExit(f"FAIL: fixture {path} is not named docker-*, oci-* or spo-*")
    return kind


def test_agree(convert):
    # (folder, the schema accepts, check accepts)
    groups = [("good", True, True), ("bad", False, False),
              ("only-check", True, False), ("only-schema", False, True)]
    for folder, schema_ok, check_ok in groups:
        files = sorted((FIXTURES / folder).iterdir())
        judge(f"fixtures/{folder} is not empty", len(files) > 0)
        for path in files:
            kind = schema_kind(path)
            error = first_error(kind, path)
            judge(f"{folder}/{path.name}: the {kind} schema {'accepts' if schema_ok else 'rejects'} it",
                  (error is None) == schema_ok, error or "the schema accepts it")
            accepted, first_line = check_accepts(convert, path)
            judge(f"{folder}/{path.name}: seccomp-convert check {'accepts' if check_ok else 'rejects'} it",
                  accepted == check_ok, " ".join(first_line))
    readme = (FIXTURES / "README.md").read_text()
    for folder in ("only-check", "only-schema"):
        for path in sorted((FIXTURES / folder).iterdir()):
            judge(f"fixtures/README.md explains {folder}/{path.name}", f"`{folder}/{path.name}`" in readme)


def main(argv):
    if len(argv) < 2:
        raise SystemExit(__doc__)
    if argv[1] == "metaschema":
        test_metaschema()
    elif argv[1] == "shipped":
        test_shipped()
    elif argv[1] == "corpus":
        test_corpus()
    elif argv[1] == "agree" and len(argv) == 3:
        test_agree(argv[2])
    else:
        raise SystemExit(__doc__)
    finish()


if __name__ == "__main__":
    main(sys.argv)
