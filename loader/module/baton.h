/* SPDX-License-Identifier: GPL-2.0 */
#ifndef BATON_MODULE_H
#define BATON_MODULE_H

#include <linux/cpumask.h>
#include <linux/types.h>
#include <baton/ledger.h>

/* baton_ledger.c: the shared low window, mapped once at load. */
int baton_ledger_map(void);
void baton_ledger_unmap(void);
bool baton_low_window_reserved(void);
struct baton_ledger *baton_ledger(void);

/* baton_guard.c: A must not bring B's CPUs back online while B owns them. */
int baton_guard_install(const struct cpumask *b_cpus);
void baton_guard_remove(void);
bool baton_guard_active(void);

/* baton_launch.c: INIT-SIPI into the trampoline, and INIT to stop B's CPUs. */
int baton_cpu_of_apicid(u32 apic_id);
int baton_launch_cpu(u64 partition_base, u32 apic_id);
void baton_stop_cpu(u32 apic_id);

/* baton_heartbeat.c: watches B's heartbeat counter from A's side. */
void baton_heartbeat_start(void);
void baton_heartbeat_stop(void);
s64 baton_heartbeat_age_ms(void);

/* baton_doorbell.c: B's doorbell NMIs. */
int baton_doorbell_register(void);
void baton_doorbell_unregister(void);
u64 baton_doorbells(void);

#endif
