// SPDX-License-Identifier: GPL-2.0
// A CPU's APIC ID from its CPUID registers, and which IDs an IPI can reach.  Pure: the
// trampoline feeds it the CPUID instruction's output, the host tests dumps of real machines.
//
// CPUID.1:EBX[31:24] has only the ID's low 8 bits; a machine with more than 255 of them
// gives the whole 32-bit x2APIC ID in EDX of the extended topology leaves, 0x1f (V2) and
// 0xb.  The SDM (Vol. 2A, CPUID) says a leaf is there if the highest basic leaf (CPUID.0:EAX)
// reaches it and its subleaf 0 reports a non-zero EBX[15:0].
#pragma once

#include <stdint.h>

namespace baton {

struct CpuidRegs {
    uint32_t eax, ebx, ecx, edx;
};

// What the decoder reads: CPUID.0:EAX, leaf 1, and subleaf 0 of 0xb and 0x1f (zero when the
// highest basic leaf is below them: a CPU answers those with another leaf's data).
struct ApicIdLeaves {
    uint32_t max_leaf;
    CpuidRegs leaf1;
    CpuidRegs leaf0b;
    CpuidRegs leaf1f;
};

inline constexpr uint32_t kCpuidTopologyV2 = 0x1f;
inline constexpr uint32_t kCpuidTopology = 0xb;

// The CPU's (initial) APIC ID: x2APIC ID from 0x1f, else 0xb, else the 8 bits of leaf 1.
constexpr uint32_t decode_apic_id(const ApicIdLeaves& c)
{
    if (c.max_leaf >= kCpuidTopologyV2 && (c.leaf1f.ebx & 0xffff))
        return c.leaf1f.edx;
    if (c.max_leaf >= kCpuidTopology && (c.leaf0b.ebx & 0xffff))
        return c.leaf0b.edx;
    return c.leaf1.ebx >> 24;
}

// xAPIC mode puts 8 bits in the ICR's destination, and 0xff there is the broadcast; x2APIC
// mode has 32 bits, 0xffffffff the broadcast.  An ID beyond that reaches a wrong CPU or all.
inline constexpr uint32_t kXapicBroadcast = 0xff;
inline constexpr uint32_t kX2apicBroadcast = 0xffffffff;

constexpr bool apic_id_addressable(uint32_t apic_id, bool x2apic)
{
    return x2apic ? apic_id != kX2apicBroadcast : apic_id < kXapicBroadcast;
}

}  // namespace baton
