// SPDX-License-Identifier: GPL-2.0
#include "serial.h"

#include "cpu.h"

namespace baton {

namespace {

// 16550 register offsets and bits.
constexpr uint16_t kThr = 0, kIer = 1, kFcr = 2, kLcr = 3, kMcr = 4, kLsr = 5;
constexpr uint16_t kDll = 0, kDlm = 1;
constexpr uint8_t kLcrDlab = 0x80, kLcr8N1 = 0x03, kLsrThre = 0x20;
constexpr uint8_t kFcrEnableClear = 0x07, kMcrDtrRts = 0x03;
constexpr uint16_t kDivisor115200 = 1;

Uart16550 g_console;

}  // namespace

Uart16550& console() { return g_console; }

void Uart16550::init(uint16_t port)
{
    port_ = port;
    cpu::outb(port + kIer, 0);
    cpu::outb(port + kLcr, kLcrDlab);
    cpu::outb(port + kDll, kDivisor115200 & 0xff);
    cpu::outb(port + kDlm, kDivisor115200 >> 8);
    cpu::outb(port + kLcr, kLcr8N1);
    cpu::outb(port + kFcr, kFcrEnableClear);
    cpu::outb(port + kMcr, kMcrDtrRts);
}

void Uart16550::put(char c)
{
    if (!port_)
        return;
    for (uint32_t spin = 0; spin < 1000000 && !(cpu::inb(port_ + kLsr) & kLsrThre); spin++)
        cpu::pause();
    cpu::outb(port_ + kThr, uint8_t(c));
}

void Uart16550::write(Str s)
{
    for (size_t i = 0; i < s.len; i++)
        put(s[i]);
}

}  // namespace baton
