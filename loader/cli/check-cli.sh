#!/bin/bash
# The CLI's contract, checked on the build host (no kernel A needed): --help on every command,
# and a one-line error with exit status 2 (usage) for a command line it does not take.
#   loader/cli/check-cli.sh PATH_TO_BATON
set -uo pipefail
baton=$1; fail=0
say() { echo "check-cli: $*"; }
for c in upgrade plan load launch release handover status abort unload; do
	out=$("$baton" "$c" --help) || { say "baton $c --help failed"; fail=1; continue; }
	echo "$out" | grep -q "^baton $c" || { say "baton $c --help does not start with its usage"; fail=1; }
done
"$baton" --help | grep -q "usage: baton COMMAND" || { say "baton --help lacks the usage line"; fail=1; }
check_usage() {
	local expect=$1; shift
	err=$("$baton" "$@" 2>&1 >/dev/null); rc=$?
	if [ $rc -ne 2 ] || [ "$(echo "$err" | wc -l)" -ne 1 ] || ! echo "$err" | grep -qF -- "$expect"; then
		say "baton $*: expected exit 2 and one line with '$expect', got $rc: $err"; fail=1
	fi
}
check_usage "unknown command 'bogus'" bogus
check_usage "takes no --frobnicate" plan --frobnicate 1
check_usage "takes no --frobnicate" plan --frobnicate=1
check_usage "takes no arguments, got 'stray'" status stray
check_usage "takes no --json2" status --json2
check_usage "takes 2 arguments, got 'cpu'" release cpu
check_usage "release cpu: 'x' is not a CPU number" release cpu x
check_usage "unknown resource 'disk'" release disk 1
check_usage "--timeout-ms: '0' is not 1..600000" release cpu 1 --timeout-ms 0
check_usage "--timeout-ms: '0' is not 1..600000" release cpu 1 --timeout-ms=0
check_usage "--timeout needs a value" launch --timeout
check_usage "--json takes no value" status --json=1
check_usage "unknown option '--frob'" --frob
check_usage "--ready 'tcp:1.2.3.4': no :PORT" upgrade --ready tcp:1.2.3.4
check_usage "--ready-timeout: '0' is not 1..3600" upgrade --ready-timeout=0
"$baton" --version | grep -qE "^baton [^ ]+ \(ledger ABI [0-9]+\)$" ||
	{ say "baton --version does not name the release and the ledger ABI"; fail=1; }
"$baton" >/dev/null 2>&1; [ $? = 2 ] || { say "baton without a command: expected exit 2"; fail=1; }
"$baton" --help | grep -q "^  4  B failed" || { say "baton --help lacks the exit statuses"; fail=1; }
# Without CAP_SYS_BOOT every command is refused before it reads or changes anything; a
# ledger file needs no privilege.
if [ "$(id -u)" = 0 ] && command -v setpriv > /dev/null; then
	nobody() { setpriv --reuid=65534 --regid=65534 --clear-groups "$baton" "$@"; }
	for c in upgrade plan load launch "release cpu 1" handover status abort unload; do
		err=$(nobody $c 2>&1 >/dev/null); rc=$?
		[ $rc = 1 ] && [ "$err" = "baton: ${c%% *} needs root (CAP_SYS_BOOT, as kexec does): run baton as root" ] ||
			{ say "baton $c as nobody: expected the root refusal, got $rc: $err"; fail=1; }
	done
	err=$(nobody status --ledger /nonexistent 2>&1 >/dev/null)
	echo "$err" | grep -qF "cannot read /nonexistent: it does not exist" ||
		{ say "baton status --ledger as nobody: $err"; fail=1; }
fi
json=$("$baton" bogus --json 2>/dev/null)
echo "$json" | grep -q '"ok":false,"exit":2,"outcome":"usage"' ||
	{ say "--json refusal is not JSON with ok=false and exit 2: $json"; fail=1; }
[ $fail = 0 ] && say "help on every command, one-line refusals, JSON errors, root needed"
exit $fail
