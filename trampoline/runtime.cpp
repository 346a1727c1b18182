// SPDX-License-Identifier: GPL-2.0
// The little a freestanding C++ program needs: mem* (the compiler emits calls to them) and
// physical memory access (identity mapped 0-4 GiB by entry.S).
#include "lib/acpi.h"

extern "C" {

void* memcpy(void* dst, const void* src, size_t n)
{
    void* ret = dst;
    asm volatile("rep movsb" : "+D"(dst), "+S"(src), "+c"(n) : : "memory");
    return ret;
}

void* memmove(void* dst, const void* src, size_t n)
{
    auto* d = static_cast<uint8_t*>(dst);
    auto* s = static_cast<const uint8_t*>(src);
    if (d <= s || d >= s + n)
        return memcpy(dst, src, n);
    // Overlapping with dst above src: copy backwards.
    d += n - 1;
    s += n - 1;
    asm volatile("std; rep movsb; cld" : "+D"(d), "+S"(s), "+c"(n) : : "memory");
    return dst;
}

void* memset(void* dst, int c, size_t n)
{
    void* ret = dst;
    asm volatile("rep stosb" : "+D"(dst), "+c"(n) : "a"(c) : "memory");
    return ret;
}

int memcmp(const void* a, const void* b, size_t n)
{
    auto* x = static_cast<const uint8_t*>(a);
    auto* y = static_cast<const uint8_t*>(b);
    for (size_t i = 0; i < n; i++)
        if (x[i] != y[i])
            return x[i] < y[i] ? -1 : 1;
    return 0;
}

}  // extern "C"

namespace baton {

const uint8_t* phys_bytes(PhysAddr addr, size_t len)
{
    constexpr uint64_t kMapped = 4 * GiB;
    if (addr.value() >= kMapped || len > kMapped - addr.value())
        return nullptr;
    return reinterpret_cast<const uint8_t*>(addr.value());
}

}  // namespace baton
