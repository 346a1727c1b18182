#!/bin/bash
# CTest `packages`: builds every package as `make deb` does, then checks them (check-debs.sh).
#   packaging/test-packages.sh DEB_DIR BATON TRAMPOLINE_BIN VERSION KERNEL_B_DIR A_HEADERS
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
debs=$1 baton=$2 trampoline=$3 version=$4 kernel_b=$5 headers=$6
"$here/build-debs.sh" "$debs" "$baton" "$trampoline" "$version"
"$here/build-kernel-deb.sh" "$kernel_b" "$debs" "$version"
exec "$here/check-debs.sh" "$debs" "$headers" "$kernel_b/bzImage"
