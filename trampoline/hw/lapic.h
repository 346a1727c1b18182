// SPDX-License-Identifier: GPL-2.0
// The local APIC of the CPU running the trampoline: its ID and the IPIs it sends.
// Works in xAPIC (MMIO) and x2APIC (MSR) mode, whichever the CPU arrived in.
#pragma once

#include <stdint.h>

namespace baton {

class LocalApic {
public:
    // Reads the mode and base from IA32_APIC_BASE; software-enables the APIC with every
    // local vector masked (needed to send IPIs; nothing is ever delivered to us).
    void init();
    bool x2apic() const { return x2apic_; }

    // INIT (assert), then two STARTUP IPIs with vector page >> 12 (Intel MP spec order).
    // Each returns false if the IPI was not delivered, or not sent: an ID this mode cannot
    // address (apic_id_addressable).
    bool send_init(uint32_t apic_id);
    bool send_startup(uint32_t apic_id, uint64_t page);
    bool send_nmi(uint32_t apic_id);

    // The local APIC timer's input clock (divide by 1), counted against `clock` while the
    // timer runs masked in one-shot mode: nothing is delivered.  0 if it cannot be measured.
    uint32_t measure_timer_khz(const class PmTimer& clock);

private:
    uint32_t read(uint32_t reg) const;
    void write(uint32_t reg, uint32_t v);
    bool send(uint32_t apic_id, uint32_t icr_low);

    bool x2apic_ = false;
    uint64_t base_ = 0;
};

}  // namespace baton
