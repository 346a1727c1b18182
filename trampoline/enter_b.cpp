// SPDX-License-Identifier: GPL-2.0
// The jump into B's 64-bit entry (boot protocol §"64-bit boot protocol"): long mode, our
// identity map covering kernel, zero page and cmdline, CS = __BOOT_CS, data = __BOOT_DS,
// interrupts off, RSI = zero page.
#include "trampoline.h"

namespace baton {

void enter_b(PhysAddr entry64, PhysAddr zero_page)
{
    asm volatile("cli\n\t"
                 "xorl %%ebp, %%ebp\n\t"
                 "jmp *%0"
                 :
                 : "r"(entry64.value()), "S"(zero_page.value())
                 : "memory");
    __builtin_unreachable();
}

}  // namespace baton
