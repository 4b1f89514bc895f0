#!/usr/bin/env python3
"""Fails when a target imports a module that the module map does not allow.

The map is DESIGN.md's "Package layout" table, written out below: each target's own modules
and the libraries it may use. System modules (Foundation, Glibc, Dispatch, ...) are always
allowed. The check reads the `import` lines of every Swift file under Sources/ and names each
file and import that breaks the map.

KNOWN lists imports that break the map today and that issue 20 removes; each one that no
longer occurs must be taken off the list (the check says so), so the list only shrinks.

    python3 scripts/check_layering.py          # from the repository root; exit 1 on a break
"""

import pathlib
import re
import sys

SYSTEM = {"Foundation", "FoundationEssentials", "FoundationNetworking", "Glibc", "Musl", "Darwin",
          "Dispatch", "Synchronization", "os"}

# Aviary's domain targets: no HTTP, no SQL.
DOMAIN = {"AviaryCore", "AviaryCodecs", "AviaryTracking", "AviaryRegistry", "AviaryArtifacts",
          "AviaryModels", "AviaryPython", "AviaryMonitoring", "AviaryDeployments", "AviaryPipelines",
          "AviaryAuth"}
STORES = {"AviaryStoreSQLite", "AviaryStorePostgres", "AviaryArtifactsS3"}
HUMMINGBIRD = {"Hummingbird", "HummingbirdCore", "HummingbirdTesting"}
NIO = {"NIOCore", "NIOPosix", "NIOHTTP1", "NIOHTTPTypes", "NIOEmbedded", "NIOFoundationCompat",
       "_NIOFileSystem", "NIOExtras"}
OBSERVABILITY = {"Logging", "Metrics", "CoreMetrics", "Prometheus", "ServiceLifecycle"}
ANYTHING = None

# target -> the modules it may import besides the system ones. Mirrors DESIGN.md.
ALLOWED = {
    "AviaryCore": set(),
    "AviaryCodecs": {"AviaryCore"},
    "AviaryTracking": {"AviaryCore"},
    "AviaryRegistry": {"AviaryCore", "AviaryTracking"},
    "AviaryArtifacts": {"AviaryCore"},
    "AviaryModels": {"AviaryCore", "AviaryCodecs", "Yams", "CYaml", "SwiftProtobuf"},
    "AviaryMonitoring": {"AviaryCore", "AviaryCodecs"},
    # Its supervisor and monitor loops are Services that log; still no HTTP and no SQL.
    "AviaryDeployments": {"AviaryCore", "AviaryCodecs", "AviaryModels", "AviaryMonitoring",
                          "AviaryRegistry", "AviaryTracking", "AviaryArtifacts", "Yams", "CYaml",
                          "Logging", "ServiceLifecycle"},
    "AviaryStoreSQLite": DOMAIN | {"GRDB", "GRDBSQLite"},
    "AviaryHTTP": DOMAIN | HUMMINGBIRD | NIO | OBSERVABILITY | {"Mustache", "HTTPTypes"},
    "AviaryServer": ANYTHING,
    # The CLI turns flags into configurations and calls services: never Hummingbird, GRDB,
    # a store target or the HTTP layer directly.
    "AviaryCLI": DOMAIN | {"AviaryServer", "ArgumentParser", "Logging", "AsyncHTTPClient",
                           "NIOCore", "NIOFoundationCompat"},
    "AviaryTesting": ANYTHING,
    "AviaryFuzzing": ANYTHING,
}

# (target, module) pairs that break the map today; issue 20 removes them.
KNOWN = {
    ("AviaryCLI", "AviaryHTTP"),
    ("AviaryCLI", "AviaryStoreSQLite"),
    ("AviaryCLI", "Hummingbird"),
    ("AviaryCLI", "Prometheus"),
}

IMPORT = re.compile(r"^\s*(?:@\w+(?:\([^)]*\))?\s+)*(?:public |package |internal |private |fileprivate )?"
                    r"import\s+(?:(?:struct|class|enum|protocol|func|var|let|typealias)\s+)?([A-Za-z_]\w*)")


def main() -> int:
    root = pathlib.Path(__file__).resolve().parent.parent / "Sources"
    breaks, seen = [], set()
    for path in sorted(root.rglob("*.swift")):
        target = path.relative_to(root).parts[0]
        if target not in ALLOWED:
            breaks.append(f"{path}: target {target} is not in the module map (scripts/check_layering.py, DESIGN.md)")
            continue
        allowed = ALLOWED[target]
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            match = IMPORT.match(line)
            if not match or allowed is ANYTHING:
                continue
            module = match.group(1)
            if module in SYSTEM or module == target or module in allowed:
                continue
            if (target, module) in KNOWN:
                seen.add((target, module))
                continue
            breaks.append(f"{path.relative_to(root.parent)}:{number}: {target} may not import {module}")
    for target, module in sorted(KNOWN - seen):
        breaks.append(f"{target} no longer imports {module}: take it off KNOWN in scripts/check_layering.py")
    for line in breaks:
        print(line, file=sys.stderr)
    if breaks:
        print(f"layering: {len(breaks)} problem(s); the map is DESIGN.md's package layout", file=sys.stderr)
        return 1
    print(f"layering: {len(ALLOWED)} targets follow the module map ({len(KNOWN)} known exceptions left)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
