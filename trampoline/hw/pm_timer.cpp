// SPDX-License-Identifier: GPL-2.0
#include "pm_timer.h"

#include "cpu.h"

namespace baton {

namespace {
constexpr uint32_t kMask = 0xffffff;
constexpr uint64_t kSpinsPerUs = 50;  // only without a PM timer: a guess, never a promise
}  // namespace

uint32_t PmTimer::ticks() const { return port_ ? cpu::inl(port_) & kMask : 0; }

void PmTimer::delay_us(uint32_t us) const
{
    Stopwatch w(*this);
    while (w.elapsed_us() < us)
        cpu::pause();
}

uint64_t Stopwatch::elapsed_us()
{
    if (!timer_.present())
        return ++spins_ / kSpinsPerUs;
    const uint32_t now = timer_.ticks();
    ticks_ += (now - last_) & kMask;
    last_ = now;
    return ticks_ * 1000000 / PmTimer::kHz;
}

}  // namespace baton
