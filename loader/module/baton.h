/* SPDX-License-Identifier: GPL-2.0 */
#ifndef BATON_MODULE_H
#define BATON_MODULE_H

#include <linux/types.h>
#include <baton/ledger.h>

/* baton_ledger.c: the shared low window, mapped once at load. */
int baton_ledger_map(void);
void baton_ledger_unmap(void);
bool baton_low_window_reserved(void);
struct baton_ledger *baton_ledger(void);
const char *baton_state_name(u32 state);

#endif
