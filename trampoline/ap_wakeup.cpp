// SPDX-License-Identifier: GPL-2.0
// Waking a reserved CPU: the 16-bit stub goes to the SIPI page, its parameter block is filled,
// then INIT-SIPI-SIPI (Intel SDM Vol. 3 §9.4.4.1).  The CPU checks in through the ledger from
// ap_main (limbo.cpp).
#include "arch/x86_defs.h"
#include "hw/cpu.h"
#include "lib/zero_page.h"
#include "trampoline.h"

extern "C" {
extern const uint8_t ap_stub_start[], ap_stub_end[];
extern const uint32_t ap_stub_pm32_offset;
extern const uint8_t boot_gdt[], boot_gdt_end[];
void ap_start64();
}

// One limbo stack per ledger slot; A's module parks the CPUs it releases on them too (their
// offset is in the image header).
extern "C" {
alignas(16) uint8_t limbo_stacks[MAX_LIMBO_CPUS][AP_STACK_SIZE];
}

namespace baton {

static_assert(MAX_LIMBO_CPUS == BATON_MAX_CPUS, "a limbo stack for every ledger slot");

// The assembly's view of the shared structures must be the ledger header's.
static_assert(WINDOW0_SIPI_PAGE == BATON_WINDOW_BASE(0) + BATON_WINDOW_SIPI);
static_assert(BATON_ABI_VERSION_ASM == BATON_ABI_VERSION);
static_assert(LEDGER_STATE_OFFSET == offsetof(baton_ledger, state));
static_assert(BATON_STATE_B_BOOTING_ASM == BATON_STATE_B_BOOTING &&
              BATON_STATE_B_RUNNING_ASM == BATON_STATE_B_RUNNING);
static_assert(BATON_LAUNCH_EAX_ASM == BATON_LAUNCH_EAX);
static_assert(SEL_CODE32 == BATON_SEL_CODE32 && SEL_CODE64 == BATON_SEL_CODE64 &&
              SEL_DATA == BATON_SEL_DATA);
static_assert(GDT_CODE32 == BATON_GDT_CODE32 && GDT_CODE64 == BATON_GDT_CODE64 &&
              GDT_DATA == BATON_GDT_DATA);
#define BATON_CHECK_HDR(asm_off, field)                                                            \
    static_assert(asm_off == BATON_SIPI_PARAMS_OFFSET + offsetof(baton_sipi_params, field))
BATON_CHECK_HDR(AP_HDR_GDTR, gdt_limit);
BATON_CHECK_HDR(AP_HDR_PM32, pm32_offset);
BATON_CHECK_HDR(AP_HDR_CR3, cr3);
BATON_CHECK_HDR(AP_HDR_ENTRY64, entry64);
BATON_CHECK_HDR(AP_HDR_STACK, stack);
BATON_CHECK_HDR(AP_HDR_GDT, gdt);
BATON_CHECK_HDR(AP_HDR_ENTRY32, entry32);
BATON_CHECK_HDR(AP_HDR_ENTRY32_EBX, entry32_ebx);
static_assert(AP_HDR_END == BATON_SIPI_PARAMS_OFFSET + sizeof(baton_sipi_params));
#undef BATON_CHECK_HDR

namespace {

constexpr uint32_t kInitDeassertUs = 10000;  // SDM: 10 ms after INIT
constexpr uint32_t kStartupUs = 200;         // SDM: 200 us between STARTUPs
constexpr uint64_t kCheckinTimeoutUs = 2000000;

void prepare_sipi_page(uint64_t sipi, size_t stack_index)
{
    uint8_t* page = reinterpret_cast<uint8_t*>(sipi);
    const size_t stub = size_t(ap_stub_end - ap_stub_start);
    memcpy(page, ap_stub_start, stub);
    const size_t gdt_len = size_t(boot_gdt_end - boot_gdt);
    memcpy(page + AP_HDR_GDT, boot_gdt, gdt_len);
    store_le(page + AP_HDR_GDTR, 2, gdt_len - 1);
    store_le(page + AP_HDR_GDTR + 2, 4, sipi + AP_HDR_GDT);
    store_le(page + AP_HDR_PM32, 4, sipi + ap_stub_pm32_offset);
    store_le(page + AP_HDR_PM32 + 4, 2, SEL_CODE32);
    store_le(page + AP_HDR_CR3, 4, cpu::read_cr3());
    store_le(page + AP_HDR_ENTRY64, 4, reinterpret_cast<uint64_t>(&ap_start64));
    store_le(page + AP_HDR_STACK, 8,
             reinterpret_cast<uint64_t>(&limbo_stacks[stack_index][AP_STACK_SIZE]));
    cpu::barrier();
}

}  // namespace

Status wake_into_limbo(LocalApic& apic, const PmTimer& clock, uint32_t apic_id,
                       baton_cpu_slot& slot, size_t stack_index)
{
    if (stack_index >= MAX_LIMBO_CPUS) {
        Error e{Errc::ap, {}};
        e.msg << "ledger slot " << Dec{stack_index} << " has no limbo stack";
        return e;
    }
    const uint64_t sipi = window_base(trampoline_window()) + BATON_WINDOW_SIPI;
    prepare_sipi_page(sipi, stack_index);
    slot.apic_id = apic_id;
    slot.state = BATON_CPU_SIPI_SENT;
    cpu::barrier();

    bool sent = apic.send_init(apic_id);
    clock.delay_us(kInitDeassertUs);
    for (int i = 0; i < 2 && sent; i++) {
        volatile uint32_t* state = &slot.state;
        if (*state == BATON_CPU_LIMBO)
            break;
        sent = apic.send_startup(apic_id, sipi);
        clock.delay_us(kStartupUs);
    }
    if (!sent) {
        Error e{Errc::ap, {}};
        e.msg << "APIC ID " << Dec{apic_id} << ": the IPI was never delivered";
        return e;
    }

    Stopwatch w(clock);
    volatile uint32_t* state = &slot.state;
    while (*state != BATON_CPU_LIMBO) {
        if (w.elapsed_us() > kCheckinTimeoutUs) {
            Error e{Errc::ap, {}};
            e.msg << "APIC ID " << Dec{apic_id} << " did not check in within "
                  << Dec{kCheckinTimeoutUs / 1000} << " ms of INIT-SIPI-SIPI";
            return e;
        }
        cpu::pause();
    }
    return Ok{};
}

}  // namespace baton
