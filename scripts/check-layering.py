#!/usr/bin/env python3
"""Checks the package's layering (docs/ARCHITECTURE.md, "Targets and who may import whom").

For every Swift target, library, executable and test alike:
  1. it declares in Package.swift exactly the modules its sources import: no undeclared import (SwiftPM
     lets transitive ones through on Linux) and no declared dependency that nothing imports;
  2. a library or executable target imports only what the layering table below allows it.

Reads the package from `swift package dump-package`; exits 1 listing every violation.
"""
import json
import os
import re
import subprocess
import sys

# Modules of the toolchain and the system: importable by anyone, never declared.
SYSTEM = {
    "Foundation", "FoundationEssentials", "FoundationNetworking", "Glibc", "Musl", "Darwin", "Dispatch",
    "Synchronization", "Testing", "XCTest", "_Concurrency", "Observation", "os",
}

# The foundation layers: any target above them may import them (and must declare them when it does).
FOUNDATION = {"JSON", "SystemIO", "Logging"}

# Who may import whom, beyond FOUNDATION. Keep in step with docs/ARCHITECTURE.md.
ALLOWED = {
    "CCurl": set(),
    "CZlib": set(),
    "CLinux": set(),
    "JSON": set(),
    "SystemIO": set(),
    "Gzip": {"CZlib", "SystemIO"},
    "HTTPServer": {"CLinux", "Gzip"},
    "HTTPClient": {"CCurl"},
    "BatchCore": set(),
    "OpenAIClient": {"HTTPClient", "BatchCore"},
    "InputBuilder": {"BatchCore"},
    "OutputParser": {"BatchCore"},
    "BatchService": {"HTTPClient", "BatchCore", "OpenAIClient", "InputBuilder", "OutputParser", "Gzip"},
    "OpenAISimulator": {"HTTPServer", "OpenAIClient", "BatchCore", "Gzip"},
    "BatchAPI": {"HTTPServer", "BatchService"},
    "batch-openai": None,  # the executable wires everything: any target, plus ArgumentParser
}
LOWEST = {"JSON", "SystemIO"}  # import nothing of ours, not even each other

IMPORT = re.compile(
    r"^\s*(?:@\w+(?:\([^)]*\))?\s+)*(?:(?:public|package|internal|fileprivate|private)\s+)?"
    r"import\s+(?:(?:typealias|struct|class|enum|protocol|let|var|func)\s+)?([A-Za-z_][A-Za-z0-9_]*)"
)


def dependency_name(dependency):
    kind, value = next(iter(dependency.items()))
    if kind in ("byName", "target"):
        return value[0].replace("-", "_")  # a target's module name (batch-openai → batch_openai)
    if kind == "product":
        return value[0]  # the product's name is its module's name for swift-log and swift-argument-parser
    raise ValueError(f"unknown dependency kind {kind}")


def imports_of(folder):
    found = {}
    for root, _, files in os.walk(folder):
        for name in sorted(files):
            if not name.endswith(".swift"):
                continue
            path = os.path.join(root, name)
            with open(path, encoding="utf-8") as source:
                for number, line in enumerate(source, 1):
                    match = IMPORT.match(line)
                    if match and match.group(1) not in SYSTEM:
                        found.setdefault(match.group(1), f"{path}:{number}")
    return found


def main():
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    package = json.loads(subprocess.run(
        ["swift", "package", "dump-package"], cwd=root, check=True, capture_output=True, text=True
    ).stdout)
    problems = []
    for target in package["targets"]:
        name = target["name"]
        folder = target.get("path") or os.path.join("Tests" if target["type"] == "test" else "Sources", name)
        folder = os.path.join(root, folder)
        if not any(f.endswith(".swift") for _, _, files in os.walk(folder) for f in files):
            continue  # a C shim: its header is its only include
        declared = {dependency_name(d) for d in target["dependencies"]}
        imported = imports_of(folder)
        for module in sorted(set(imported) - declared - {name.replace("-", "_")}):
            problems.append(f"{name}: imports {module} ({imported[module]}) without declaring it in Package.swift")
        for module in sorted(declared - set(imported)):
            problems.append(f"{name}: declares {module} in Package.swift but never imports it")
        if target["type"] == "test" or folder.startswith(os.path.join(root, "Tests")):
            continue
        if name not in ALLOWED:
            problems.append(f"{name}: not in the layering table of scripts/check-layering.py and docs/ARCHITECTURE.md")
            continue
        allowed = ALLOWED[name]
        if allowed is None:
            continue
        allowed = allowed | (set() if name in LOWEST else FOUNDATION)
        for module in sorted(set(imported) - allowed):
            problems.append(f"{name}: may not import {module} ({imported[module]}); see docs/ARCHITECTURE.md")
    if problems:
        print("layering: " + str(len(problems)) + " problem(s)", file=sys.stderr)
        for problem in problems:
            print("  " + problem, file=sys.stderr)
        return 1
    print(f"layering: {len(package['targets'])} targets declare exactly what they import, within the table")
    return 0


if __name__ == "__main__":
    sys.exit(main())
