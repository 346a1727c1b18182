#!/bin/bash
# Signs a module built against B's tree with B's build key when B verifies module signatures
# (Debian's MODULE_SIG), as modules_install would.  Once: kbuild leaves an up-to-date module
# as it is, signature included.
#   kernel/sign-module.sh B_BUILD_DIR MODULE.ko
set -euo pipefail
kb=${1:?B build dir}; ko=${2:?module}
if grep -qx CONFIG_MODULE_SIG=y "$kb/obj/.config" && [ -f "$kb/obj/certs/signing_key.pem" ] &&
   ! tail -c 28 "$ko" | grep -q "Module signature appended"; then
	"$kb/obj/scripts/sign-file" sha256 "$kb/obj/certs/signing_key.pem" \
		"$kb/obj/certs/signing_key.x509" "$ko"
fi
