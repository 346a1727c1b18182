#!/bin/bash
# Stages /usr/lib/baton for A's initramfs: B's kernel and initramfs, the trampoline, the
# digests `baton load` hands to the trampoline (the published manifest of B's files), and B's
# kernel config next to its bzImage: `baton plan` reads B's CONFIG_NR_CPUS from it (one
# source of truth: the .config B was built with).
#   qemu/initramfs/stage-baton.sh OUTDIR BZIMAGE INITRAMFS TRAMPOLINE_BIN B_CONFIG
set -euo pipefail
out=$1
mkdir -p "$out"
cp "$2" "$out/bzImage.tmp" && mv "$out/bzImage.tmp" "$out/bzImage"
cp "$3" "$out/initramfs.cpio.gz.tmp" && mv "$out/initramfs.cpio.gz.tmp" "$out/initramfs.cpio.gz"
cp "$4" "$out/trampoline.bin.tmp" && mv "$out/trampoline.bin.tmp" "$out/trampoline.bin"
cp "${5:?B_CONFIG}" "$out/bzImage.config.tmp" && mv "$out/bzImage.config.tmp" "$out/bzImage.config"
(cd "$out" && sha256sum bzImage initramfs.cpio.gz trampoline.bin > SHA256SUMS)
