#!/bin/bash
# CTest demo-first-run: `make demo` as on a fresh clone, where no scenario has written
# anything yet.  qemu/demo.py runs with its output folders (BATON_OUT: reports/, runs/) in a
# folder that does not exist; the built pieces still come from BUILD_ROOT.
#   qemu/check-first-run.sh BUILD_ROOT
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
build=${1:?usage: check-first-run.sh BUILD_ROOT}
tmp=$(mktemp -d /tmp/baton-first-run.XXXXXX)
out=$tmp/out
fail() {
	echo "check-first-run: $1 (kept: $tmp)" >&2
	exit 1
}
status=0
BATON_BUILD=$build BATON_OUT=$out python3 "$repo/qemu/demo.py" > "$tmp/demo.out" 2>&1 || status=$?
cat "$tmp/demo.out"
[ "$status" = 0 ] || fail "qemu/demo.py exited $status into an empty output folder"
report=$out/reports/handover.json
svg=$out/reports/handover-timeline.svg
[ -s "$report" ] || fail "no report $report"
python3 -c 'import json, sys; sys.exit(0 if json.load(open(sys.argv[1]))["pass"] else 1)' \
	"$report" || fail "$report does not say pass"
head -c 4 "$svg" 2>/dev/null | grep -q '^<svg' || fail "no timeline picture $svg"
[ -s "$out/runs/handover/com1.log" ] || fail "no serial log under $out/runs/handover"
grep -qF "timeline  $svg" "$tmp/demo.out" || fail "the demo's summary does not name $svg"
rm -rf "$tmp"
echo "check-first-run: the demo passed into an empty output folder; report and timeline written"
