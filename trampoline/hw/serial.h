// SPDX-License-Identifier: GPL-2.0
// A polled 16550 UART: the trampoline's only way to talk to a person (B's COM2).
#pragma once

#include "../lib/base.h"

namespace baton {

class Uart16550 {
public:
    // 115200 8N1, FIFO on, every UART interrupt off (the trampoline polls).
    void init(uint16_t port);
    void write(Str s);
    template <size_t N>
    void line(const Text<N>& t)
    {
        write(t.str());
        write("\r\n");
    }

private:
    void put(char c);
    uint16_t port_ = 0;
};

Uart16550& console();

}  // namespace baton
