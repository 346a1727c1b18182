// SPDX-License-Identifier: GPL-2.0
// Time for the trampoline: the ACPI PM timer (3.579545 MHz), read-only, so reading it never
// disturbs the other kernel.  The TSC is not calibrated here and is not common across vCPUs
// under TCG (kernel-facts §8).
#pragma once

#include <stdint.h>

namespace baton {

class PmTimer {
public:
    void init(uint16_t port) { port_ = port; }
    bool present() const { return port_ != 0; }
    uint32_t ticks() const;  // 24 bits, wraps every ~4.7 s
    // Busy-waits; falls back to a spin count when there is no PM timer.
    void delay_us(uint32_t us) const;
    static constexpr uint32_t kHz = 3579545;

private:
    uint16_t port_ = 0;
};

// Counts elapsed microseconds across wraps while polled at least every few seconds.
class Stopwatch {
public:
    explicit Stopwatch(const PmTimer& t) : timer_(t), last_(t.ticks()) {}
    uint64_t elapsed_us();

private:
    const PmTimer& timer_;
    uint32_t last_;
    uint64_t ticks_ = 0;
    uint64_t spins_ = 0;
};

}  // namespace baton
