// SPDX-License-Identifier: GPL-2.0
// Freestanding basics shared by the trampoline and the host tests: a string view, a bounded
// text builder, errors as values.  No std, no allocation, no exceptions.
#pragma once

#include <stddef.h>
#include <stdint.h>

#if __STDC_HOSTED__
#include <string.h>
#else
extern "C" {
void* memcpy(void* dst, const void* src, size_t n);
void* memmove(void* dst, const void* src, size_t n);
void* memset(void* dst, int c, size_t n);
int memcmp(const void* a, const void* b, size_t n);
}
#endif

namespace baton {

// A read-only view of bytes or characters that the caller keeps alive.
struct Str {
    const char* ptr = nullptr;
    size_t len = 0;

    constexpr Str() = default;
    constexpr Str(const char* p, size_t n) : ptr(p), len(n) {}
    template <size_t N>
    constexpr Str(const char (&lit)[N]) : ptr(lit), len(N - 1) {}  // NOLINT: literals only

    // A NUL-terminated string, at most `max` characters of it.
    static constexpr Str from_cstr(const char* s, size_t max = SIZE_MAX)
    {
        size_t n = 0;
        while (s && n < max && s[n])
            n++;
        return Str(s, n);
    }
    constexpr bool empty() const { return len == 0; }
    constexpr char operator[](size_t i) const { return ptr[i]; }
    constexpr Str sub(size_t from, size_t n = SIZE_MAX) const
    {
        if (from > len)
            from = len;
        if (n > len - from)
            n = len - from;
        return Str(ptr + from, n);
    }
    constexpr bool operator==(Str o) const
    {
        if (len != o.len)
            return false;
        for (size_t i = 0; i < len; i++)
            if (ptr[i] != o.ptr[i])
                return false;
        return true;
    }
    constexpr bool starts_with(Str p) const { return len >= p.len && sub(0, p.len) == p; }
    constexpr size_t find(char c, size_t from = 0) const
    {
        for (size_t i = from; i < len; i++)
            if (ptr[i] == c)
                return i;
        return SIZE_MAX;
    }
};

struct Hex {
    uint64_t v;
};
struct Dec {
    uint64_t v;
};

// Appends into a fixed buffer; silently truncates (always NUL terminated).
template <size_t N>
class Text {
public:
    Text& operator<<(Str s)
    {
        for (size_t i = 0; i < s.len && used_ + 1 < N; i++)
            buf_[used_++] = s.ptr[i];
        buf_[used_] = 0;
        return *this;
    }
    Text& operator<<(const char* s) { return *this << Str::from_cstr(s); }
    Text& operator<<(char c) { return *this << Str(&c, 1); }
    Text& operator<<(Hex h)
    {
        char tmp[18];
        int n = 0;
        uint64_t v = h.v;
        do {
            tmp[n++] = "0123456789abcdef"[v & 15];
            v >>= 4;
        } while (v);
        *this << "0x";
        while (n)
            *this << tmp[--n];
        return *this;
    }
    Text& operator<<(Dec d)
    {
        char tmp[21];
        int n = 0;
        uint64_t v = d.v;
        do {
            tmp[n++] = char('0' + v % 10);
            v /= 10;
        } while (v);
        while (n)
            *this << tmp[--n];
        return *this;
    }
    Str str() const { return Str(buf_, used_); }
    const char* c_str() const { return buf_; }
    void clear()
    {
        used_ = 0;
        buf_[0] = 0;
    }

private:
    char buf_[N] = {};
    size_t used_ = 0;
};

// What went wrong, in one line, with the numbers that matter.
enum class Errc : uint32_t {
    plan = 1,       // matches BATON_FAIL_PLAN
    digest = 2,
    image = 3,
    placement = 4,
    e820 = 5,
    ap = 6,
    acpi = 7,
};

struct Error {
    Errc code;
    Text<192> msg;
};

template <typename T>
class [[nodiscard]] Result {
public:
    Result(const T& v) : ok_(true), value_(v) {}  // NOLINT: implicit on purpose
    Result(const Error& e) : ok_(false), error_(e) {}  // NOLINT
    bool ok() const { return ok_; }
    const T& value() const { return value_; }
    T& value() { return value_; }
    const Error& error() const { return error_; }

private:
    bool ok_;
    T value_{};
    Error error_{};
};

struct Ok {};
using Status = Result<Ok>;

inline Error make_error(Errc code, Str what)
{
    Error e{code, {}};
    e.msg << what;
    return e;
}

#define BATON_TRY(expr)                                                                            \
    ({                                                                                             \
        auto _r = (expr);                                                                          \
        if (!_r.ok())                                                                              \
            return _r.error();                                                                     \
        _r.value();                                                                                \
    })

}  // namespace baton
