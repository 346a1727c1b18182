// SPDX-License-Identifier: GPL-2.0
// B's partition record: the setup_data entry B's platform code reads at boot (ledger.h).
#include "lib/topology.h"
#include "lib/zero_page.h"
#include "trampoline.h"

namespace baton {

void write_setup_data(uint8_t* at, const Plan& plan, const Calibration& cal,
                      const Topology& topology, PhysAddr firmware_rsdp)
{
    // struct setup_data { u64 next; u32 type; u32 len; u8 data[]; }
    baton_partition_record rec{};
    rec.magic = BATON_PARTITION_MAGIC;
    rec.version = BATON_ABI_VERSION;
    rec.size = sizeof(rec);
    rec.ledger_phys = trampoline_ledger_phys;
    rec.ram_base = plan.b_ram().begin();
    rec.ram_size = plan.b_ram().size();
    rec.low_base = plan.low.begin();
    rec.low_size = plan.low.size();
    rec.resident_base = plan.resident().begin();
    rec.resident_size = plan.resident().size();
    rec.tsc_khz = cal.tsc_khz;
    rec.apic_timer_khz = cal.apic_timer_khz;
    rec.pm_timer_port = cal.pm_timer_port;
    rec.pm1a_cnt = cal.power.pm1a_cnt;
    rec.s5_slp_typ = cal.power.s5_slp_typ < 0 ? 0xffff : uint16_t(cal.power.s5_slp_typ);
    rec.sci_gsi = cal.power.sci_gsi;
    rec.sci_flags = cal.power.sci_flags;
    rec.pm1a_evt = cal.power.pm1a_evt;
    rec.pm1_evt_len = cal.power.pm1_evt_len;
    rec.gpe0_blk = cal.power.gpe0_blk;
    rec.gpe0_blk_len = cal.power.gpe0_blk_len;
    rec.npci = uint16_t(plan.npci);
    for (size_t i = 0; i < plan.npci; i++)
        rec.pci[i] = plan.pci[i];
    rec.uart_mask = baton_uart_bit(plan.console_port);
    rec.ncpus = uint32_t(plan.ncpus);
    for (size_t i = 0; i < plan.ncpus; i++)
        rec.apic_ids[i] = plan.cpus[i];
    topology_to_record(topology, rec);
    rec.nlate = uint32_t(plan.nlate);
    for (size_t i = 0; i < plan.nlate; i++)
        rec.late[i] = {plan.late[i].begin(), plan.late[i].size()};
    rec.nhot = uint32_t(plan.nhot);
    for (size_t i = 0; i < plan.nhot; i++)
        rec.hot[i] = {plan.hot[i].begin(), plan.hot[i].size()};
    rec.firmware_rsdp = firmware_rsdp.value();
    store_le(at, 8, 0);
    store_le(at + 8, 4, BATON_SETUP_TYPE);
    store_le(at + 12, 4, sizeof(rec));
    memcpy(at + 16, &rec, sizeof(rec));
}

}  // namespace baton
