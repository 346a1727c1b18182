// SPDX-License-Identifier: GPL-2.0
#include "lapic.h"

#include "cpu.h"
#include "pm_timer.h"

namespace baton {

namespace {

constexpr uint64_t kApicBaseEnable = 1 << 11;
constexpr uint64_t kApicBaseExtd = 1 << 10;
constexpr uint64_t kApicBaseMask = 0xfffff000;
constexpr uint32_t kX2apicMsrBase = 0x800;

// Register offsets (xAPIC MMIO); the x2APIC MSR is 0x800 + offset / 16.
constexpr uint32_t kRegSvr = 0xf0, kRegEsr = 0x280, kRegIcrLow = 0x300,
                   kRegIcrHigh = 0x310, kRegLvtTimer = 0x320, kRegLvtLint0 = 0x350,
                   kRegLvtLint1 = 0x360, kRegLvtError = 0x370;
constexpr uint32_t kRegTimerInit = 0x380, kRegTimerCurrent = 0x390, kRegTimerDivide = 0x3e0;
constexpr uint32_t kDivideBy1 = 0xb;
constexpr uint32_t kSvrEnable = 1 << 8, kSpuriousVector = 0xff, kLvtMasked = 1 << 16;
constexpr uint32_t kIcrInit = 5 << 8, kIcrStartup = 6 << 8, kIcrNmi = 4 << 8;
constexpr uint32_t kIcrLevelAssert = 1 << 14, kIcrPending = 1 << 12;

}  // namespace

uint32_t LocalApic::read(uint32_t reg) const
{
    if (x2apic_)
        return uint32_t(cpu::rdmsr(kX2apicMsrBase + reg / 16));
    return cpu::mmio_read32(base_ + reg);
}

void LocalApic::write(uint32_t reg, uint32_t v)
{
    if (x2apic_)
        cpu::wrmsr(kX2apicMsrBase + reg / 16, v);
    else
        cpu::mmio_write32(base_ + reg, v);
}

void LocalApic::init()
{
    const uint64_t msr = cpu::rdmsr(MSR_APIC_BASE);
    x2apic_ = (msr & kApicBaseExtd) != 0;
    base_ = msr & kApicBaseMask;
    if (!(msr & kApicBaseEnable))
        cpu::wrmsr(MSR_APIC_BASE, msr | kApicBaseEnable);
    const uint32_t lvts[] = {kRegLvtTimer, kRegLvtLint0, kRegLvtLint1, kRegLvtError};
    for (uint32_t lvt : lvts)
        write(lvt, kLvtMasked);
    write(kRegSvr, kSvrEnable | kSpuriousVector);
}

bool LocalApic::send(uint32_t apic_id, uint32_t icr_low)
{
    // xAPIC's 8-bit destination would cut a larger ID down to another CPU's, or to the
    // broadcast: such an IPI is not sent at all.
    if (!apic_id_addressable(apic_id, x2apic_))
        return false;
    write(kRegEsr, 0);
    if (x2apic_) {
        cpu::wrmsr_fence();
        cpu::wrmsr(kX2apicMsrBase + kRegIcrLow / 16, uint64_t(apic_id) << 32 | icr_low);
        return true;
    }
    write(kRegIcrHigh, apic_id << 24);
    write(kRegIcrLow, icr_low);
    for (uint32_t spin = 0; spin < 1000000; spin++) {
        if (!(read(kRegIcrLow) & kIcrPending))
            return true;
        cpu::pause();
    }
    return false;
}

uint32_t LocalApic::measure_timer_khz(const PmTimer& clock)
{
    if (!clock.present())
        return 0;
    constexpr uint32_t kWindowUs = 20000;
    write(kRegLvtTimer, kLvtMasked);  // one-shot, masked
    write(kRegTimerDivide, kDivideBy1);
    write(kRegTimerInit, 0xffffffff);
    const uint32_t start = read(kRegTimerCurrent);
    clock.delay_us(kWindowUs);
    const uint32_t end = read(kRegTimerCurrent);
    write(kRegTimerInit, 0);  // stop it
    if (end == 0 || end >= start)
        return 0;
    return uint32_t(uint64_t(start - end) * 1000 / kWindowUs);
}

bool LocalApic::send_init(uint32_t apic_id)
{
    return send(apic_id, kIcrInit | kIcrLevelAssert);
}

bool LocalApic::send_startup(uint32_t apic_id, uint64_t page)
{
    return send(apic_id, kIcrStartup | uint32_t(page >> 12));
}

bool LocalApic::send_nmi(uint32_t apic_id) { return send(apic_id, kIcrNmi | kIcrLevelAssert); }

}  // namespace baton
