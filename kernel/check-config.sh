#!/bin/bash
# Checks B's final configuration against Debian's and baton's fragment:
#   - every line of the fragment holds (a value, or "is not set" = neither y nor m);
#   - every other option keeps Debian's value, except options that Debian's configuration
#     does not name (new ones the patches add) and facts about the toolchain.
# usage: kernel/check-config.sh DEBIAN_CONFIG FRAGMENT FINAL_CONFIG
set -euo pipefail
debian=${1:?debian config}; frag=${2:?fragment}; final=${3:?final config}
bad=0
named=" "
while read -r line; do
	case "$line" in
	CONFIG_*=*)
		named="$named${line%%=*} "
		grep -qxF "$line" "$final" || {
			echo "build-b: fragment wants '$line', got '$(grep "^${line%%=*}=" "$final" || echo unset)'" >&2
			bad=1; } ;;
	"# CONFIG_"*" is not set")
		sym=${line:2:-11}
		named="$named$sym "
		if grep -q "^$sym=[ym]" "$final"; then echo "build-b: fragment wants '$line'" >&2; bad=1; fi ;;
	esac
done < "$frag"
# Options as Debian sets them: "SYM=value" for set ones, "SYM=n" for "is not set".
values() { sed -n -e 's/^\(CONFIG_[A-Za-z0-9_]*\)=\(.*\)$/\1=\2/p' \
		-e 's/^# \(CONFIG_[A-Za-z0-9_]*\) is not set$/\1=n/p' "$1" | LC_ALL=C sort -t= -k1,1; }
changed=$(LC_ALL=C join -t= -a1 -e ABSENT -o 0,1.2,2.2 <(values "$debian") <(values "$final") |
	awk -F= '$2 != $3 && !($2 == "n" && $3 == "ABSENT")')
while IFS== read -r sym was now; do
	[ -n "$sym" ] || continue
	case "$named" in *" $sym "*) continue ;; esac
	# Facts Kconfig reads from the toolchain, not choices.
	case "$sym" in CONFIG_CC_VERSION_TEXT|CONFIG_*_VERSION|CONFIG_PAHOLE_HAS_*|CONFIG_*_HAS_*) continue ;; esac
	echo "build-b: $sym changed from Debian's '$was' to '${now/ABSENT/unset}' and the fragment does not say why" >&2
	bad=1
done <<< "$changed"
exit $bad
