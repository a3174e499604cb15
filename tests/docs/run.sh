#!/bin/sh
# Run every console example of the documents in a guest and compare what it
# prints with what the documents say (tests/docs/examples.py has the
# convention). One PASS/FAIL line per document; exit 1 on a mismatch.
#
#   tests/docs/run.sh [DOC...]     default: README.md, docs/student-guide.md,
#                                  docs/architecture.md,
#                                  docs/labs/README.md, docs/labs/*/README.md
# Environment: DOCS_KERNEL (default debian-6.12), DOCS_JSON=1 (JSON report).
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 1
[ $# -gt 0 ] || set -- README.md docs/student-guide.md docs/architecture.md docs/labs/README.md docs/labs/*/README.md
out=build/docs
rm -rf "$out" && mkdir -p "$out"
python3 tests/docs/examples.py script "$out/run-examples" "$@" || exit 1
VM_TIMEOUT=${VM_TIMEOUT:-600} VM_QUIET=1 VM_LOG="$out/console.log" \
	scripts/vm.sh "${DOCS_KERNEL:-debian-6.12}" run "$top/$out/run-examples"
rc=$?
grep -q '^@@DONE' "$out/console.log" 2>/dev/null ||
	echo "docs: the guest did not finish the examples (exit $rc; console: $out/console.log)"
if [ "${DOCS_JSON:-0}" = 1 ]; then
	python3 tests/docs/examples.py compare "$out/console.log" "$@" --json
else
	python3 tests/docs/examples.py compare "$out/console.log" "$@"
fi
