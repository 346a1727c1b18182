// SPDX-License-Identifier: GPL-2.0
// The boot CPU's path through the trampoline: read inputs, check them against the plan,
// place B, park B's other CPUs in limbo, build B's zero page, jump.
#include "boot_inputs.h"
#include "hw/cpu.h"
#include "hw/serial.h"
#include "lib/acpi.h"
#include "lib/placement.h"
#include "lib/sha256.h"
#include "lib/topology.h"
#include "trampoline.h"

extern "C" const uint8_t __image_start[], __image_end[];

#ifndef BATON_VERSION
#define BATON_VERSION "dev"
#endif

namespace baton {

namespace {

BootInputs g_inputs;
uint8_t g_setup_header[bp::setup_header_end];
LocalApic g_apic;
PmTimer g_clock;
Topology g_topology;

template <size_t N>
void say(const Text<N>& t)
{
    console().line(t);
}

void report_digest(Str what, const PhysRange& r, bool expected, const Digest& want)
{
    uint8_t got[32];
    sha256(phys_bytes(r.base(), r.size()), r.size(), got);
    Text<200> t;
    t << "baton: " << what << " " << Dec{r.size()} << " bytes at " << r << ", sha256 ";
    char hex[65];
    sha256_hex(got, hex);
    t << hex;
    if (!expected) {
        say(t << " (plan gives no digest)");
        return;
    }
    if (memcmp(got, want.bytes, 32) != 0) {
        say(t);
        Error e{Errc::digest, {}};
        e.msg << what << " sha256 does not match the plan: refusing to boot it";
        refuse(e);
    }
    say(t << " matches the plan");
}

void print_e820(const BootE820& map)
{
    for (size_t i = 0; i < map.count; i++) {
        Text<120> t;
        t << "baton:   e820 " << map.entries[i].range << " " << e820_type_name(map.entries[i].type);
        say(t);
    }
}

// Both rates are measured against the ACPI PM timer, the one clock we may read without
// disturbing A; B takes them from its setup_data record instead of touching the PIT.
uint32_t measure_tsc_khz(const PmTimer& clock)
{
    if (!clock.present())
        return 0;
    // Bracket the TSC reads with PM timer reads and divide by the PM time that really
    // passed, so the cost of the slow port reads does not bias the rate.
    constexpr uint32_t kWindowTicks = PmTimer::kHz / 20;  // 50 ms
    const uint32_t p0 = clock.ticks();
    const uint64_t t0 = cpu::rdtsc();
    uint32_t p1;
    do {
        cpu::pause();
        p1 = clock.ticks();
    } while (((p1 - p0) & 0xffffff) < kWindowTicks);
    const uint64_t t1 = cpu::rdtsc();
    const uint64_t ticks = (p1 - p0) & 0xffffff;
    return uint32_t((t1 - t0) * PmTimer::kHz / ticks / 1000);
}

AcpiTable firmware_table(PhysAddr rsdp, const char* sig)
{
    auto t = find_acpi_table(rsdp, sig);
    if (!t.ok())
        refuse(t.error());
    return t.value();
}

// The other CPUs, IOAPICs, NUMA nodes and ECAM for B's record, checked before anything moves.
void read_firmware_topology(PhysAddr rsdp, const Plan& plan)
{
    const FirmwareTables tables{firmware_table(rsdp, "APIC"), firmware_table(rsdp, "SRAT"),
                                firmware_table(rsdp, "MCFG")};
    auto topology = read_topology(tables, plan.cpus, plan.ncpus);
    if (!topology.ok())
        refuse(topology.error());
    g_topology = topology.value();
    Text<200> t;
    t << "baton: firmware: " << Dec{g_topology.nother} << " other CPUs, "
      << Dec{g_topology.nioapics} << " IOAPICs, " << Dec{g_topology.numa.nranges}
      << " NUMA memory ranges, ";
    if (g_topology.mmcfg.base)
        t << "ECAM at " << Hex{g_topology.mmcfg.base} << " for buses "
          << Dec{g_topology.mmcfg.start_bus} << "-" << Dec{g_topology.mmcfg.end_bus};
    else
        t << "no ECAM";
    say(t);
}

[[noreturn]] void run(uint32_t magic, uint64_t mbi)
{
    console().init(0x2f8);
    g_apic.init();
    // CPUID's ID, all of it: the APIC's ID register has only 8 bits in xAPIC mode.
    const uint32_t self = initial_apic_id();
    const uint64_t launch_tsc = cpu::rdtsc();
    const bool launched = magic == BATON_LAUNCH_EAX;
    // Launched, EBX is the ledger of the window the host chose; standalone, window 0 until
    // the plan names another.
    trampoline_ledger_phys = launched ? mbi : window_ledger(0);
    if (trampoline_window() == BATON_NR_WINDOWS) {
        trampoline_ledger_phys = 0;
        Text<80> t;
        t << "baton: refused: launched with EBX " << Hex{mbi} << ", not a low window's ledger";
        console().line(t);
        cpu::halt_forever();
    }

    {
        Text<120> t;
        t << "baton: trampoline " << BATON_VERSION << " on APIC ID " << Dec{self}
          << (g_apic.x2apic() ? " (x2APIC)" : " (xAPIC)");
        say(t);
    }

    Status got = launched ? read_launch_block(mbi, g_inputs) : read_multiboot(magic, mbi, g_inputs);
    if (!got.ok())
        refuse(got.error());
    auto parsed = parse_plan(g_inputs.plan_text.str());
    if (!parsed.ok())
        refuse(parsed.error());
    const Plan& plan = parsed.value();
    if (!launched)
        trampoline_ledger_phys = window_ledger(plan.window);
    if (plan.window != trampoline_window()) {
        Error e{Errc::plan, {}};
        e.msg << "plan: window=" << Dec{plan.window} << " but the host launched through window "
              << Dec{trampoline_window()};
        refuse(e);
    }
    baton_ledger& l = ledger();
    if (!plan.owns_cpu(self)) {
        Error e{Errc::plan, {}};
        e.msg << "plan: cpus= does not list APIC ID " << Dec{self} << ", the CPU that boots B";
        refuse(e);
    }
    for (size_t i = 0; i < plan.ncpus; i++)
        if (!apic_id_addressable(plan.cpus[i], g_apic.x2apic())) {
            Error e{Errc::plan, {}};
            e.msg << "plan: APIC ID " << Dec{plan.cpus[i]} << " cannot be addressed in xAPIC "
                  << "mode (IDs 0-254), and this CPU runs its local APIC in xAPIC mode";
            refuse(e);
        }

    // The ledger: A prepares it when it launches us; standalone, we start it here.
    if (l.magic != BATON_LEDGER_MAGIC || l.version != BATON_ABI_VERSION) {
        memset(&l, 0, sizeof(l));
        l.magic = BATON_LEDGER_MAGIC;
        l.version = BATON_ABI_VERSION;
        l.size = sizeof(l);
    }
    l.state = BATON_STATE_LAUNCHED;
    l.partition_base = plan.partition.begin();
    l.partition_size = plan.partition.size();
    l.launch_tsc = launch_tsc;
    l.boot_apic_id = self;
    l.ncpus = uint32_t(plan.ncpus);
    for (size_t i = 0; i < plan.ncpus; i++) {
        l.cpus[i].apic_id = plan.cpus[i];
        l.cpus[i].state = plan.cpus[i] == self ? BATON_CPU_B_BOOT : BATON_CPU_UNKNOWN;
    }
    {
        Text<160> t;
        t << "baton: plan: partition " << plan.partition << ", B RAM " << plan.b_ram() << " + low "
          << plan.low << ", " << Dec{plan.ncpus} << " CPUs";
        say(t);
    }

    // Check what we were given before touching anything.
    report_digest("kernel", g_inputs.kernel, plan.has_kernel_digest, plan.kernel_digest);
    if (!g_inputs.initrd.empty())
        report_digest("initrd", g_inputs.initrd, plan.has_initrd_digest, plan.initrd_digest);
    else if (plan.has_initrd_digest)
        refuse(make_error(Errc::digest, "plan gives an initrd digest but there is no initrd"));

    const uint8_t* bz = phys_bytes(g_inputs.kernel.base(), g_inputs.kernel.size());
    auto kimg = parse_bzimage(bz, g_inputs.kernel.size());
    if (!kimg.ok())
        refuse(kimg.error());
    const KernelImage k = kimg.value();
    // Keep B's setup header: moving the payload may overwrite the file (launch path: the
    // payload moves down onto its own header).
    memcpy(g_setup_header, bz, bp::setup_header_end);
    auto placed = place_in_partition(plan, k, g_inputs.initrd.size());
    if (!placed.ok())
        refuse(placed.error());
    const Placement& p = placed.value();
    {
        Text<200> t;
        t << "baton: B boot protocol " << Hex{k.version} << ", kernel at " << p.kernel_region
          << ", initrd at " << p.initrd;
        say(t);
    }
    if (g_inputs.b_cmdline.str().len + 1 > boot_area::cmdline_max ||
        g_inputs.b_cmdline.str().len > k.cmdline_max)
        refuse(make_error(Errc::plan, "B's command line is longer than B accepts"));

    auto e820 = build_partition_e820(
        g_inputs.firmware, partition_memory(plan));
    if (!e820.ok())
        refuse(e820.error());

    auto rsdp = find_rsdp();
    if (!rsdp.ok())
        refuse(rsdp.error());
    auto pm = find_pm_timer_port(rsdp.value());
    g_clock.init(pm.ok() ? pm.value() : 0);
    auto power = find_acpi_power(rsdp.value());
    read_firmware_topology(rsdp.value(), plan);
    Calibration cal{plan.tsc_khz ? plan.tsc_khz : measure_tsc_khz(g_clock),
                    g_apic.measure_timer_khz(g_clock), uint16_t(pm.ok() ? pm.value() : 0),
                    power.ok() ? power.value() : AcpiPower{0, -1, 0, 0, 0, 0, 0, 0}};
    {
        Text<160> t;
        t << "baton: clocks: TSC " << Dec{cal.tsc_khz} << " kHz, APIC timer "
          << Dec{cal.apic_timer_khz} << " kHz, PM timer port " << Hex{cal.pm_timer_port};
        say(t);
    }

    // Everything is checked: from here on we write into the partition.
    Move moves[2] = {
        {PhysRange(PhysAddr(g_inputs.kernel.begin() + k.setup_bytes), k.payload_size),
         PhysRange(p.kernel_load, k.payload_size)},
        {g_inputs.initrd, p.initrd},
    };
    const size_t nmoves = g_inputs.initrd.empty() ? 1 : 2;
    const PhysRange keep[] = {PhysRange::from_to(reinterpret_cast<uint64_t>(__image_start),
                                                 reinterpret_cast<uint64_t>(__image_end))};
    Status ordered = order_moves(moves, nmoves, keep, 1);
    if (!ordered.ok())
        refuse(ordered.error());
    for (size_t i = 0; i < nmoves; i++)
        memmove(reinterpret_cast<void*>(moves[i].dst.begin()),
                reinterpret_cast<const void*>(moves[i].src.begin()), moves[i].src.size());

    uint8_t* area = reinterpret_cast<uint8_t*>(p.boot_area.value());
    memset(area, 0, boot_area::size);
    auto acpi = build_partition_acpi(
        rsdp.value(), plan.cpus, plan.ncpus,
        AcpiOutput{area + boot_area::acpi, PhysAddr(p.boot_area.value() + boot_area::acpi),
                   boot_area::acpi_max});
    if (!acpi.ok())
        refuse(acpi.error());
    {
        Text<160> t;
        t << "baton: B's MADT keeps " << Dec{acpi.value().kept_cpus} << " CPUs, hides "
          << Dec{acpi.value().dropped_cpus} << "; RSDP for B at " << Hex{acpi.value().rsdp.value()};
        say(t);
    }

    // Park B's other CPUs in limbo; B adopts them through their ledger mailboxes.
    build_limbo_idt();
    for (size_t i = 0; i < plan.ncpus; i++) {
        if (plan.cpus[i] == self)
            continue;
        Status woke = wake_into_limbo(g_apic, g_clock, plan.cpus[i], l.cpus[i], i);
        if (!woke.ok())
            refuse(woke.error());
        Text<120> t;
        t << "baton: AP APIC ID " << Dec{plan.cpus[i]} << " checked in, parked in limbo (slot "
          << Dec{i} << ")";
        say(t);
    }

    memcpy(area + boot_area::cmdline, g_inputs.b_cmdline.str().ptr, g_inputs.b_cmdline.str().len);
    write_setup_data(area + boot_area::setup_data, plan, cal, g_topology, rsdp.value());
    const BootE820& map = e820.value();
    ZeroPageInputs zin{g_setup_header, &k, p.kernel_load, p.initrd,
                       PhysAddr(p.boot_area.value() + boot_area::cmdline),
                       PhysAddr(p.boot_area.value() + boot_area::setup_data), acpi.value().rsdp,
                       &map};
    build_zero_page(area + boot_area::zero_page, zin);
    {
        Text<80> t;
        t << "baton: B's e820 (" << Dec{map.count} << " entries):";
        say(t);
        print_e820(map);
    }

    const PhysAddr entry(p.kernel_load.value() + bp::kEntry64Offset);
    {
        Text<160> t;
        t << "baton: entering B at " << Hex{entry.value()} << ", zero page "
          << Hex{p.boot_area.value() + boot_area::zero_page} << ", cmdline \""
          << g_inputs.b_cmdline.str() << "\"";
        say(t);
    }
    l.b_entry_tsc = cpu::rdtsc();
    l.state = BATON_STATE_B_BOOTING;
    cpu::barrier();
    enter_b(entry, PhysAddr(p.boot_area.value() + boot_area::zero_page));
}

}  // namespace

uint32_t trampoline_window() { return window_of_ledger(trampoline_ledger_phys); }

uint64_t trampoline_ledger_phys = 0;

baton_ledger& ledger() { return *reinterpret_cast<baton_ledger*>(trampoline_ledger_phys); }

void refuse(const Error& e)
{
    baton_ledger& l = ledger();
    if (l.magic == BATON_LEDGER_MAGIC) {
        l.state = BATON_STATE_FAILED;
        l.fail_reason = uint32_t(e.code);
        const Str m = e.msg.str();
        const size_t n = m.len < sizeof(l.message) - 1 ? m.len : sizeof(l.message) - 1;
        memcpy(l.message, m.ptr, n);
        l.message[n] = 0;
    }
    Text<240> t;
    t << "baton: refused: " << e.msg.str();
    console().line(t);
    cpu::halt_forever();
}

}  // namespace baton

extern "C" [[noreturn]] void trampoline_main(uint32_t magic, uint64_t mbi)
{
    baton::run(magic, mbi);
}
