#!/usr/bin/env python3
"""Prints one closing line over all meson test logs: 'N passed, N failed, N skipped'."""
import json, os, sys

counts = {"passed": 0, "failed": 0, "skipped": 0}
for d in sys.argv[1:]:
    path = os.path.join(d, "meson-logs", "testlog.json")
    if not os.path.exists(path):
        continue
    with open(path) as f:
        for line in f:
            r = json.loads(line).get("result")
            if r == "OK" or r == "EXPECTEDFAIL":
                counts["passed"] += 1
            elif r == "SKIP":
                counts["skipped"] += 1
            else:
                counts["failed"] += 1
print(f"ci: {counts['passed']} passed, {counts['failed']} failed, {counts['skipped']} skipped")
