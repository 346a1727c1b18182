// SPDX-License-Identifier: GPL-2.0
#include "topology.h"

namespace baton {

Result<Topology> read_topology(const FirmwareTables& t, const uint32_t* b_cpus, size_t n)
{
    if (!t.madt.present())
        return make_error(Errc::acpi, "the firmware has no usable MADT");
    const MadtInfo madt = BATON_TRY(parse_madt(t.madt));
    Topology top{};
    for (size_t i = 0; i < n; i++)
        if (!madt_has_cpu(madt, b_cpus[i])) {
            Error e{Errc::acpi, {}};
            e.msg << "APIC ID " << Dec{b_cpus[i]}
                  << " is not a CPU of this machine (not enabled in the MADT)";
            return e;
        }
    for (uint32_t i = 0; i < madt.ncpus; i++) {
        bool mine = false;
        for (size_t j = 0; j < n && !mine; j++)
            mine = b_cpus[j] == madt.cpus[i];
        if (!mine)
            top.other_apic_ids[top.nother++] = madt.cpus[i];
    }
    top.nioapics = madt.nioapics;
    memcpy(top.ioapics, madt.ioapics, sizeof(top.ioapics));

    const SratCpus lists[] = {{b_cpus, n, top.cpu_nodes},
                              {top.other_apic_ids, top.nother, top.other_cpu_nodes}};
    for (uint16_t& node : top.cpu_nodes)
        node = BATON_NO_NODE;
    for (uint16_t& node : top.other_cpu_nodes)
        node = BATON_NO_NODE;
    if (t.srat.present())
        top.numa = BATON_TRY(parse_srat(t.srat, lists, 2));
    if (t.mcfg.present())
        top.mmcfg = BATON_TRY(parse_mcfg(t.mcfg));
    return top;
}

void topology_to_record(const Topology& t, baton_partition_record& rec)
{
    static_assert(sizeof(t.other_apic_ids) == sizeof(rec.other_apic_ids));
    static_assert(sizeof(t.ioapics) == sizeof(rec.ioapics));
    static_assert(sizeof(t.numa.ranges) == sizeof(rec.numa));
    static_assert(sizeof(t.cpu_nodes) == sizeof(rec.cpu_nodes));
    static_assert(sizeof(t.other_cpu_nodes) == sizeof(rec.other_cpu_nodes));
    rec.nother = t.nother;
    memcpy(rec.other_apic_ids, t.other_apic_ids, sizeof(rec.other_apic_ids));
    rec.nioapics = t.nioapics;
    memcpy(rec.ioapics, t.ioapics, sizeof(rec.ioapics));
    rec.nnuma = t.numa.nranges;
    memcpy(rec.numa, t.numa.ranges, sizeof(rec.numa));
    memcpy(rec.cpu_nodes, t.cpu_nodes, sizeof(rec.cpu_nodes));
    memcpy(rec.other_cpu_nodes, t.other_cpu_nodes, sizeof(rec.other_cpu_nodes));
    rec.mmcfg_base = t.mmcfg.base;
    rec.mmcfg_start_bus = t.mmcfg.start_bus;
    rec.mmcfg_end_bus = t.mmcfg.end_bus;
}

}  // namespace baton
