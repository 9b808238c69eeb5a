#!/usr/bin/env python3
"""Checks that prompts survive `soratrack export jobs` exactly, read back by Python's csv module.

usage: csv_roundtrip.py EXPORT.csv EXPECTED.json

EXPECTED.json maps video ids to the prompts sent for them: {"video_…": "prompt", …}. Every id must
appear in the CSV once, with a prompt equal to the expected one byte for byte (UTF-8). The header must
start with the columns of docs/reports.md (Output columns). Exits 0 when all match, 1 with one line per
difference otherwise.
"""
import csv
import json
import sys

JOB_COLUMNS = [
    "video_id", "status", "model", "size", "seconds", "progress", "prompt", "created_at", "completed_at",
    "expires_at", "duration_s", "error_code", "error_message", "remixed_from_video_id", "label",
    "first_seen_at", "last_polled_at", "polls", "phase",
]


def main(argv):
    if len(argv) != 3:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 64
    csv_path, expected_path = argv[1], argv[2]
    with open(expected_path, encoding="utf-8") as handle:
        expected = json.load(handle)
    # newline="" hands quoted CR and LF to the csv module untouched, as RFC 4180 requires.
    with open(csv_path, newline="", encoding="utf-8") as handle:
        reader = csv.reader(handle, dialect="excel", strict=True)
        header = next(reader)
        rows = list(reader)
    problems = []
    if header[: len(JOB_COLUMNS)] != JOB_COLUMNS:
        problems.append(f"header is {header!r}, expected it to start with {JOB_COLUMNS!r}")
    id_column, prompt_column = header.index("video_id"), header.index("prompt")
    seen = {}
    for number, row in enumerate(rows, start=2):
        if len(row) != len(header):
            problems.append(f"record {number} has {len(row)} fields, the header {len(header)}")
            continue
        video_id = row[id_column]
        if video_id in seen:
            problems.append(f"{video_id} appears twice (records {seen[video_id]} and {number})")
        seen[video_id] = number
        if video_id in expected:
            got, want = row[prompt_column].encode("utf-8"), expected[video_id].encode("utf-8")
            if got != want:
                problems.append(f"{video_id}: prompt {got!r} != expected {want!r}")
    for video_id in expected:
        if video_id not in seen:
            problems.append(f"{video_id} is missing from the export")
    for problem in problems:
        print(f"csv_roundtrip: {problem}", file=sys.stderr)
    if problems:
        return 1
    print(f"csv_roundtrip: {len(expected)} prompts round-tripped exactly ({len(rows)} rows)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
