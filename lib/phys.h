// SPDX-License-Identifier: GPL-2.0
// Physical addresses and ranges as types: no implicit conversion to pointers or integers.
#pragma once

#include "base.h"

namespace baton {

class PhysAddr {
public:
    constexpr PhysAddr() = default;
    constexpr explicit PhysAddr(uint64_t v) : v_(v) {}
    [[nodiscard]] constexpr uint64_t value() const { return v_; }
    [[nodiscard]] constexpr bool aligned(uint64_t a) const { return (v_ & (a - 1)) == 0; }
    [[nodiscard]] constexpr PhysAddr align_up(uint64_t a) const
    {
        return PhysAddr((v_ + a - 1) & ~(a - 1));
    }
    [[nodiscard]] constexpr PhysAddr align_down(uint64_t a) const { return PhysAddr(v_ & ~(a - 1)); }
    constexpr bool operator==(const PhysAddr&) const = default;
    constexpr bool operator<(const PhysAddr& o) const { return v_ < o.v_; }

private:
    uint64_t v_ = 0;
};

// [base, base + size); size 0 is an empty range.  end() saturates instead of wrapping.
class PhysRange {
public:
    constexpr PhysRange() = default;
    constexpr PhysRange(PhysAddr base, uint64_t size) : base_(base), size_(size) {}
    static constexpr PhysRange from_to(uint64_t begin, uint64_t end)
    {
        return PhysRange(PhysAddr(begin), end > begin ? end - begin : 0);
    }
    [[nodiscard]] constexpr PhysAddr base() const { return base_; }
    [[nodiscard]] constexpr uint64_t size() const { return size_; }
    [[nodiscard]] constexpr uint64_t begin() const { return base_.value(); }
    [[nodiscard]] constexpr uint64_t end() const
    {
        uint64_t e = base_.value() + size_;
        return e < base_.value() ? UINT64_MAX : e;
    }
    [[nodiscard]] constexpr bool wraps() const { return base_.value() + size_ < base_.value(); }
    [[nodiscard]] constexpr bool empty() const { return size_ == 0; }
    [[nodiscard]] constexpr bool contains(PhysRange o) const
    {
        return !o.empty() && o.begin() >= begin() && o.end() <= end();
    }
    [[nodiscard]] constexpr bool contains(PhysAddr a) const
    {
        return a.value() >= begin() && a.value() < end();
    }
    [[nodiscard]] constexpr bool overlaps(PhysRange o) const
    {
        return !empty() && !o.empty() && o.begin() < end() && begin() < o.end();
    }
    [[nodiscard]] constexpr PhysRange intersect(PhysRange o) const
    {
        uint64_t b = begin() > o.begin() ? begin() : o.begin();
        uint64_t e = end() < o.end() ? end() : o.end();
        return from_to(b, e);
    }
    constexpr bool operator==(const PhysRange&) const = default;

private:
    PhysAddr base_{};
    uint64_t size_ = 0;
};

template <size_t N>
Text<N>& operator<<(Text<N>& t, PhysRange r)
{
    return t << Hex{r.begin()} << '-' << Hex{r.end()};
}

inline constexpr uint64_t KiB = 1024;
inline constexpr uint64_t MiB = 1024 * KiB;
inline constexpr uint64_t GiB = 1024 * MiB;
inline constexpr uint64_t kPageSize = 4096;

}  // namespace baton
