#!/usr/bin/env python3
"""Seeds the parser fuzz tests' generated corpus with the records of ../shared/corpus.

Usage: python3 tools/fuzz-seeds.py   (then JAZZER_FUZZ=1 ..., see docs/testing.md)

Jazzer keeps what it finds while fuzzing in ingest/.cifuzz-corpus/<test class>/<method>/
(ignored by git) and starts from it and from the test's committed inputs directory. This
writes one file per record of the public sample corpus there, for each parser's
arbitraryBytes test, so a fuzzing run starts from real records of that source rather than
from the few hand-written seeds. Regression mode (the normal build) never reads this folder.
"""
import hashlib
import json
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus"
GENERATED = ROOT / "ingest" / ".cifuzz-corpus"
TESTS = {
    "vault": "dev.vigil.ingest.vault.VaultParserFuzzTest",
    "cloudtrail": "dev.vigil.ingest.cloudtrail.CloudTrailParserFuzzTest",
    "azure": "dev.vigil.ingest.azure.AzureMonitorParserFuzzTest",
    "gcp": "dev.vigil.ingest.gcp.GcpAuditParserFuzzTest",
}
ENVELOPE_KEYS = ("Records", "records", "value")


def records(path):
    """The records of one corpus file, as bytes: array elements, envelope members, or lines."""
    data = path.read_bytes()
    try:
        whole = json.loads(data)
    except ValueError:
        return [line for line in data.splitlines() if line.strip()]
    if isinstance(whole, dict):
        for key in ENVELOPE_KEYS:
            if isinstance(whole.get(key), list):
                whole = whole[key]
                break
    if isinstance(whole, list):
        return [json.dumps(item).encode() for item in whole]
    return [data]


def main():
    if not CORPUS.is_dir():
        raise SystemExit(f"{CORPUS}: not found (the shared corpus sits beside the checkout)")
    for source, test in TESTS.items():
        target = GENERATED / test / "arbitraryBytes"
        target.mkdir(parents=True, exist_ok=True)
        count = 0
        for path in sorted((CORPUS / source).rglob("*")):
            if path.is_file() and not path.name.endswith((".tsv", ".md")):
                for record in records(path):
                    name = "corpus-" + hashlib.sha1(record).hexdigest()
                    (target / name).write_bytes(record)
                    count += 1
        print(f"{target.relative_to(ROOT)}: {count} records")


if __name__ == "__main__":
    main()
