"""scripts/check_layering.py: the module map check that `make test` runs first.

Runs a copy of the script over a small tree of its own, so the check is shown to catch what it
is for: an import the map forbids, a target the map does not know, and a known exception that
no longer occurs (the list may only shrink).
"""

import pathlib
import shutil
import subprocess
import sys

SCRIPT = pathlib.Path(__file__).resolve().parent.parent / "scripts" / "check_layering.py"


def run(tree: pathlib.Path, files: dict[str, str]) -> subprocess.CompletedProcess:
    (tree / "scripts").mkdir(parents=True, exist_ok=True)
    shutil.copy(SCRIPT, tree / "scripts" / SCRIPT.name)
    for name, text in files.items():
        path = tree / "Sources" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return subprocess.run([sys.executable, str(tree / "scripts" / SCRIPT.name)], capture_output=True, text=True)


# Every known exception, so that only the case under test is reported.
KNOWN_USES = {"AviaryCLI/Known.swift": "import AviaryHTTP\nimport AviaryStoreSQLite\nimport Hummingbird\nimport Prometheus\n"}


def test_the_repository_follows_the_map():
    result = subprocess.run([sys.executable, str(SCRIPT)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_a_forbidden_import_is_named_with_file_and_line(tmp_path):
    result = run(tmp_path, KNOWN_USES | {
        "AviaryCore/Clock.swift": "import Foundation\n\n@preconcurrency import GRDB\n",
        "AviaryHTTP/Store.swift": "public import AviaryStoreSQLite\nimport Hummingbird\n",
    })
    assert result.returncode == 1
    assert "Sources/AviaryCore/Clock.swift:3: AviaryCore may not import GRDB" in result.stderr
    assert "Sources/AviaryHTTP/Store.swift:1: AviaryHTTP may not import AviaryStoreSQLite" in result.stderr
    assert "Hummingbird" not in result.stderr


def test_an_unknown_target_and_a_stale_exception_are_reported(tmp_path):
    result = run(tmp_path, {"AviaryCLI/Known.swift": "import AviaryHTTP\nimport Hummingbird\nimport Prometheus\n",
                            "AviaryNew/New.swift": "import AviaryCore\n"})
    assert result.returncode == 1
    assert "target AviaryNew is not in the module map" in result.stderr
    assert "AviaryCLI no longer imports AviaryStoreSQLite: take it off KNOWN" in result.stderr


def test_system_modules_and_allowed_targets_pass(tmp_path):
    result = run(tmp_path, KNOWN_USES | {
        "AviaryModels/Model.swift": "import Foundation\nimport Dispatch\nimport AviaryCore\nimport Yams\n",
        "AviaryServer/Root.swift": "import GRDB\nimport Hummingbird\n",
    })
    assert result.returncode == 0, result.stderr
