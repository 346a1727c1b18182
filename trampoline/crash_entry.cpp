// SPDX-License-Identifier: GPL-2.0
// Where A's crash kexec lands.  baton's image occupies A's crash slot, so a panic that A's
// failover path does not catch (its crash_kexec_post_notifiers turned off, an oops that
// kexecs directly) jumps here on the panicking CPU, after A's machine_crash_shutdown stopped
// A's other CPUs by NMI.  Booting anything here would overwrite the running B; instead this
// CPU tells B that A died and waits in limbo, where B adopts it.
#include "hw/cpu.h"
#include "trampoline.h"

namespace baton {

namespace {

// This CPU's ledger slot: the one A gave it before (an earlier release), or a new one.
baton_cpu_slot* crash_slot(baton_ledger& l, uint32_t apic_id)
{
    const uint32_t n = __atomic_load_n(&l.ncpus, __ATOMIC_ACQUIRE);
    for (uint32_t i = 0; i < n && i < BATON_MAX_CPUS; i++)
        if (l.cpus[i].apic_id == apic_id && l.cpus[i].state != BATON_CPU_B_ONLINE)
            return &l.cpus[i];
    const uint32_t i = __atomic_fetch_add(&l.ncpus, 1, __ATOMIC_ACQ_REL);
    if (i >= BATON_MAX_CPUS)
        return nullptr;
    baton_cpu_slot& s = l.cpus[i];
    s.apic_id = apic_id;
    s.a_cpu = 0;
    s.mailbox_start = 0;
    return &s;
}

bool b_is_up(const baton_ledger& l)
{
    return l.magic == BATON_LEDGER_MAGIC && l.version == BATON_ABI_VERSION &&
           (l.state == BATON_STATE_B_BOOTING || l.state == BATON_STATE_B_RUNNING);
}

}  // namespace

extern "C" [[noreturn]] void crash_main()
{
    baton_ledger& l = ledger();
    if (!b_is_up(l))
        park(nullptr);  // no B to hand to: A's panic ends here, as with panic=0
    const uint32_t id = initial_apic_id();
    uint32_t alive = BATON_A_ALIVE;
    if (__atomic_compare_exchange_n(&l.a_fate, &alive, uint32_t(BATON_A_CRASH_KEXEC), false,
                                    __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {
        l.a_fate_apic = id;
        l.a_fate_tsc = cpu::rdtsc();
        stamp(l, BATON_EV_RELEASE, BATON_RES_FAILOVER, BATON_A_CRASH_KEXEC);
    }
    baton_cpu_slot* slot = crash_slot(l, id);
    // A masked this CPU's local APIC; sending an NMI needs it enabled, every vector masked.
    // The doorbell's rule (ledger.h): only a ringer that finds no bit pending sends one.
    LocalApic apic;
    apic.init();
    const uint32_t pending =
        __atomic_fetch_or(&l.b_doorbell_pending, BATON_DOORBELL_FAILOVER, __ATOMIC_ACQ_REL);
    if (!pending && l.b_doorbell_apic != BATON_NO_DOORBELL)
        apic.send_nmi(l.b_doorbell_apic);
    park(slot);
}

}  // namespace baton
