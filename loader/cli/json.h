// SPDX-License-Identifier: GPL-2.0
// A small JSON writer for --json output: objects, arrays, strings, numbers, booleans.
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace baton::cli {

class Json {
public:
    Json& obj() { return open('{'); }
    Json& arr() { return open('['); }
    Json& end()
    {
        out_ += stack_.back() == '{' ? '}' : ']';
        stack_.pop_back();
        first_ = false;
        return *this;
    }
    Json& key(std::string_view k)
    {
        sep();
        str(k);
        out_ += ':';
        first_ = true;  // the value that follows needs no comma
        return *this;
    }
    template <typename T>
    Json& kv(std::string_view k, const T& v)
    {
        key(k);
        return val(v);
    }
    Json& val(std::string_view s)
    {
        sep();
        str(s);
        return *this;
    }
    Json& val(const std::string& s) { return val(std::string_view(s)); }
    Json& val(const char* s) { return val(std::string_view(s)); }
    Json& val(bool b)
    {
        sep();
        out_ += b ? "true" : "false";
        return *this;
    }
    template <typename T, typename = std::enable_if_t<std::is_arithmetic_v<T>>>
    Json& val(T n)
    {
        sep();
        if constexpr (std::is_floating_point_v<T>) {
            char b[32];
            snprintf(b, sizeof(b), "%.3f", double(n));
            out_ += b;
        } else {
            out_ += std::to_string(n);
        }
        return *this;
    }
    const std::string& str() const { return out_; }

private:
    Json& open(char c)
    {
        sep();
        out_ += c;
        stack_.push_back(c);
        first_ = true;
        return *this;
    }
    void sep()
    {
        if (!first_ && !stack_.empty())
            out_ += ',';
        first_ = false;
    }
    void str(std::string_view s)
    {
        out_ += '"';
        for (char c : s) {
            if (c == '"' || c == '\\') {
                out_ += '\\';
                out_ += c;
            } else if (static_cast<unsigned char>(c) < 0x20) {
                char b[8];
                snprintf(b, sizeof(b), "\\u%04x", c);
                out_ += b;
            } else {
                out_ += c;
            }
        }
        out_ += '"';
    }
    std::string out_;
    std::vector<char> stack_;
    bool first_ = true;
};

}  // namespace baton::cli
