/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Force-included into every freestanding translation unit: every symbol is hidden, so the
 * compiler addresses even extern symbols RIP-relative instead of through a GOT that the
 * linker would turn into absolute addresses (same trick as Linux's include/linux/hidden.h).
 */
#pragma GCC visibility push(hidden)
