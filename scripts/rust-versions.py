#!/usr/bin/env python3
"""Fails when a workspace crate declares a lower `rust-version` than one of its dependencies.

For each workspace member, walks its resolved normal and build dependencies (transitively,
all features, every target platform: `cargo metadata --format-version 1`) and compares the
highest `rust-version` among them with the member's own. Dev-dependencies do not count: they
build only the member's tests. Run from the workspace root: scripts/rust-versions.py
"""
import json
import subprocess
import sys


def version(text):
    """'1.88' or '1.88.0' as a comparable tuple."""
    parts = [int(p) for p in text.split(".")]
    return tuple(parts + [0] * (3 - len(parts)))


def show(v):
    return ".".join(str(p) for p in v[:2]) + ("" if v[2] == 0 else f".{v[2]}")


def main():
    meta = json.loads(
        subprocess.run(
            ["cargo", "metadata", "--format-version", "1", "--all-features", "--locked"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
    )
    packages = {p["id"]: p for p in meta["packages"]}
    nodes = {n["id"]: n for n in meta["resolve"]["nodes"]}

    def runtime_deps(node_id):
        for dep in nodes[node_id]["deps"]:
            if any(kind["kind"] in (None, "build") for kind in dep["dep_kinds"]):
                yield dep["pkg"]

    failures = []
    for member in sorted(meta["workspace_members"], key=lambda m: packages[m]["name"]):
        seen, stack, highest = set(), list(runtime_deps(member)), None
        while stack:
            dep = stack.pop()
            if dep in seen:
                continue
            seen.add(dep)
            stack.extend(runtime_deps(dep))
            declared = packages[dep].get("rust_version")
            if declared and (highest is None or version(declared) > highest[0]):
                highest = (version(declared), packages[dep]["name"], packages[dep]["version"])
        name = packages[member]["name"]
        own = packages[member].get("rust_version")
        if highest is None:
            print(f"{name}: rust-version {own or '(none)'}; no dependency declares one")
            continue
        need, dep_name, dep_version = highest
        if own is None or version(own) < need:
            failures.append(
                f"{name} declares rust-version {own or '(none)'}, but {dep_name} {dep_version} "
                f"needs {show(need)}: set `rust-version = \"{show(need)}\"` in {name}/Cargo.toml"
            )
        else:
            print(f"{name}: rust-version {own} >= {show(need)} ({dep_name} {dep_version})")
    for failure in failures:
        print(f"error: {failure}", file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
