// SPDX-License-Identifier: GPL-2.0
#include "acpi.h"

#include "madt.h"
#include "zero_page.h"  // load_le/store_le

namespace baton {

namespace {

constexpr size_t kRsdpV1Len = 20;
constexpr size_t kRsdpV2Len = 36;

Error acpi_error() { return Error{Errc::acpi, {}}; }

bool sig_is(const uint8_t* p, const char* sig, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (p[i] != uint8_t(sig[i]))
            return false;
    return true;
}

// A whole SDT (header + body) if readable and (`checked`) its checksum holds.
const uint8_t* read_sdt(PhysAddr at, uint32_t* len_out, bool checked = true)
{
    const uint8_t* h = phys_bytes(at, kSdtHeaderLen);
    if (!h)
        return nullptr;
    const uint32_t len = uint32_t(load_le(h + 4, 4));
    if (len < kSdtHeaderLen || len > 1 * MiB)
        return nullptr;
    const uint8_t* t = phys_bytes(at, len);
    if (!t || (checked && acpi_checksum(t, len) != 0))
        return nullptr;
    *len_out = len;
    return t;
}

bool listed(const uint32_t* ids, size_t n, uint32_t id)
{
    for (size_t i = 0; i < n; i++)
        if (ids[i] == id)
            return true;
    return false;
}

}  // namespace

Result<PhysAddr> find_rsdp()
{
    auto scan = [](uint64_t from, uint64_t len) -> uint64_t {
        const uint8_t* area = phys_bytes(PhysAddr(from), len);
        if (!area)
            return 0;
        for (uint64_t off = 0; off + kRsdpV1Len <= len; off += 16)
            if (sig_is(area + off, "RSD PTR ", 8) && acpi_checksum(area + off, kRsdpV1Len) == 0)
                return from + off;
        return 0;
    };
    const uint8_t* bda = phys_bytes(PhysAddr(0x40e), 2);
    if (bda) {
        const uint64_t ebda = load_le(bda, 2) << 4;
        if (ebda >= 0x80000 && ebda < 0xa0000)
            if (uint64_t at = scan(ebda, 1024))
                return PhysAddr(at);
    }
    if (uint64_t at = scan(0xe0000, 0x20000))
        return PhysAddr(at);
    Error e = acpi_error();
    e.msg << "no ACPI RSDP found in the EBDA or 0xe0000-0xfffff";
    return e;
}

namespace {

// The root table's entries, as (base, count, pointer size).
struct RootTable {
    const uint8_t* table;
    uint32_t len;
    size_t ptr_size;
};

Result<RootTable> read_root(PhysAddr rsdp_at)
{
    const uint8_t* rsdp = phys_bytes(rsdp_at, kRsdpV1Len);
    if (!rsdp || !sig_is(rsdp, "RSD PTR ", 8) || acpi_checksum(rsdp, kRsdpV1Len) != 0) {
        Error e = acpi_error();
        e.msg << "no valid RSDP at " << Hex{rsdp_at.value()};
        return e;
    }
    uint64_t root_at = load_le(rsdp + 16, 4);
    size_t ptr_size = 4;
    if (rsdp[15] >= 2) {
        rsdp = phys_bytes(rsdp_at, kRsdpV2Len);
        if (!rsdp || acpi_checksum(rsdp, kRsdpV2Len) != 0) {
            Error e = acpi_error();
            e.msg << "ACPI 2.0 RSDP at " << Hex{rsdp_at.value()} << " fails its checksum";
            return e;
        }
        if (uint64_t x = load_le(rsdp + 24, 8)) {
            root_at = x;
            ptr_size = 8;
        }
    }
    RootTable r{nullptr, 0, ptr_size};
    r.table = read_sdt(PhysAddr(root_at), &r.len);
    if (!r.table || !sig_is(r.table, ptr_size == 8 ? "XSDT" : "RSDT", 4)) {
        Error e = acpi_error();
        e.msg << "ACPI root table at " << Hex{root_at} << " is unreadable or corrupt";
        return e;
    }
    return r;
}

// The root's entry `i`, and the first whole table with signature `sig` (index in *index).
uint64_t root_entry(const RootTable& root, size_t i)
{
    return load_le(root.table + kSdtHeaderLen + i * root.ptr_size, root.ptr_size);
}

const uint8_t* find_table(const RootTable& root, const char* sig, uint32_t* len,
                          size_t* index = nullptr, bool checked = true)
{
    const size_t n = (root.len - kSdtHeaderLen) / root.ptr_size;
    for (size_t i = 0; i < n; i++) {
        const uint8_t* t = read_sdt(PhysAddr(root_entry(root, i)), len, checked);
        if (t && sig_is(t, sig, 4)) {
            if (index)
                *index = i;
            return t;
        }
    }
    return nullptr;
}

// The FADT ("FACP"), at least min_len bytes long; nullptr if none.
const uint8_t* find_fadt(const RootTable& root, size_t min_len, uint32_t* len)
{
    const uint8_t* t = find_table(root, "FACP", len);
    return t && *len >= min_len ? t : nullptr;
}

}  // namespace

Result<AcpiTable> find_acpi_table(PhysAddr rsdp_at, const char* sig)
{
    const RootTable root = BATON_TRY(read_root(rsdp_at));
    // Unchecked: its parser refuses a bad checksum by name, as for `baton plan`.
    uint32_t len = 0;
    const uint8_t* t = find_table(root, sig, &len, nullptr, false);
    return AcpiTable{t, t ? len : 0};
}

Result<uint16_t> find_pm_timer_port(PhysAddr rsdp_at)
{
    RootTable root = BATON_TRY(read_root(rsdp_at));
    constexpr size_t kPmTmrBlk = 76;
    uint32_t len = 0;
    const uint8_t* fadt = find_fadt(root, kPmTmrBlk + 4, &len);
    return fadt ? uint16_t(load_le(fadt + kPmTmrBlk, 4)) : uint16_t(0);
}

namespace {

// The first element of the DSDT's \_S5 package: SLP_TYPa for soft-off.  AML: NameOp "_S5_"
// PackageOp PkgLength NumElements, then ZeroOp, OneOp or BytePrefix value.
int s5_slp_typ(const uint8_t* dsdt, uint32_t len)
{
    for (uint32_t i = kSdtHeaderLen; i + 4 < len; i++) {
        if (!sig_is(dsdt + i, "_S5_", 4))
            continue;
        uint32_t p = i + 4;
        if (p >= len || dsdt[p] != 0x12)  // PackageOp
            continue;
        p++;
        if (p >= len)
            return -1;
        p += 1 + (dsdt[p] >> 6);  // PkgLength: lead byte + 0-3 more
        p++;                      // NumElements
        if (p >= len)
            return -1;
        if (dsdt[p] == 0x00 || dsdt[p] == 0x01)  // ZeroOp, OneOp
            return dsdt[p];
        if (dsdt[p] == 0x0a && p + 1 < len)  // BytePrefix
            return dsdt[p + 1] & 7;
        return -1;
    }
    return -1;
}

}  // namespace

namespace {

// The SCI's GSI and trigger: ACPI's default (level, active low, GSI = SCI_INT) unless the
// MADT overrides the ISA interrupt.
void sci_route(const RootTable& root, uint8_t sci_int, AcpiPower* p)
{
    p->sci_gsi = sci_int;
    p->sci_flags = BATON_IRQ_LEVEL | BATON_IRQ_ACTIVE_LOW;
    uint32_t len = 0;
    const uint8_t* m = find_table(root, "APIC", &len);
    if (!m)
        return;
    for (size_t off = kMadtFixedLen; off + 2 <= len && m[off + 1] >= 2; off += m[off + 1]) {
        if (m[off] != madt::kIso || m[off + 1] < 10 || off + 10 > len || m[off + 3] != sci_int)
            continue;
        p->sci_gsi = uint32_t(load_le(m + off + 4, 4));
        const unsigned flags = unsigned(load_le(m + off + 8, 2));
        if ((flags & 3) == 1)  // polarity: active high
            p->sci_flags &= uint16_t(~BATON_IRQ_ACTIVE_LOW);
        if (((flags >> 2) & 3) == 1)  // trigger: edge
            p->sci_flags &= uint16_t(~BATON_IRQ_LEVEL);
    }
}

}  // namespace

Result<AcpiPower> find_acpi_power(PhysAddr rsdp_at)
{
    RootTable root = BATON_TRY(read_root(rsdp_at));
    constexpr size_t kDsdt = 40, kSciInt = 46, kPm1aEvt = 56, kPm1aCnt = 64, kGpe0 = 80,
                     kPm1EvtLen = 88, kGpe0Len = 92, kXDsdt = 140;
    uint32_t len = 0;
    const uint8_t* fadt = find_fadt(root, kPm1aCnt + 4, &len);
    AcpiPower off{};
    off.s5_slp_typ = -1;
    if (!fadt)
        return off;
    off.pm1a_cnt = uint16_t(load_le(fadt + kPm1aCnt, 4));
    if (len >= kGpe0Len + 1) {
        sci_route(root, uint8_t(load_le(fadt + kSciInt, 2)), &off);
        off.pm1a_evt = uint16_t(load_le(fadt + kPm1aEvt, 4));
        off.pm1_evt_len = fadt[kPm1EvtLen];
        off.gpe0_blk = uint16_t(load_le(fadt + kGpe0, 4));
        off.gpe0_blk_len = fadt[kGpe0Len];
    }
    uint64_t dsdt_at = load_le(fadt + kDsdt, 4);
    if (len >= kXDsdt + 8 && load_le(fadt + kXDsdt, 8))
        dsdt_at = load_le(fadt + kXDsdt, 8);
    uint32_t dlen = 0;
    const uint8_t* dsdt = read_sdt(PhysAddr(dsdt_at), &dlen);
    if (dsdt && sig_is(dsdt, "DSDT", 4))
        off.s5_slp_typ = s5_slp_typ(dsdt, dlen);
    return off;
}

Result<AcpiResult> build_partition_acpi(PhysAddr rsdp_at, const uint32_t* ids, size_t n,
                                        const AcpiOutput& out)
{
    const RootTable rt = BATON_TRY(read_root(rsdp_at));
    const uint8_t* root = rt.table;
    const uint32_t root_len = rt.len;
    const size_t ptr_size = rt.ptr_size;
    const uint8_t* rsdp = phys_bytes(rsdp_at, kRsdpV1Len);
    const size_t rsdp_len = rsdp[15] >= 2 ? kRsdpV2Len : kRsdpV1Len;
    rsdp = phys_bytes(rsdp_at, rsdp_len);

    size_t madt_index = 0;
    uint32_t madt_len = 0;
    const uint8_t* madt = find_table(rt, "APIC", &madt_len, &madt_index);
    if (!madt || madt_len < kMadtFixedLen) {
        Error e = acpi_error();
        e.msg << "the firmware has no usable MADT";
        return e;
    }

    // Layout in the output: RSDP | root | MADT, each 16-byte aligned.
    const size_t root_off = (rsdp_len + 15) & ~size_t(15);
    const size_t madt_off = (root_off + root_len + 15) & ~size_t(15);
    if (madt_off + madt_len > out.cap) {
        Error e = acpi_error();
        e.msg << "B's ACPI tables need " << Dec{madt_off + madt_len} << " bytes, have "
              << Dec{out.cap};
        return e;
    }
    memset(out.buf, 0, madt_off + madt_len);

    // MADT: fixed part, then every entry except the CPUs that are not B's.
    uint8_t* m = out.buf + madt_off;
    memcpy(m, madt, kMadtFixedLen);
    size_t mlen = kMadtFixedLen;
    AcpiResult res{};
    Status copied = for_each_madt_entry(
        AcpiTable{madt, madt_len}, [&](size_t off, uint8_t, uint8_t len) -> Status {
            MadtCpu cpu;
            if (madt_cpu(madt + off, len, &cpu)) {
                const bool keep = listed(ids, n, cpu.apic_id);
                (keep ? res.kept_cpus : res.dropped_cpus)++;
                if (!keep)
                    return Ok{};
            }
            memcpy(m + mlen, madt + off, len);
            mlen += len;
            return Ok{};
        });
    if (!copied.ok())
        return copied.error();
    store_le(m + 4, 4, mlen);
    m[9] = 0;
    m[9] = uint8_t(-acpi_checksum(m, mlen));

    // Root: same entries, the MADT pointer replaced.
    uint8_t* r = out.buf + root_off;
    memcpy(r, root, root_len);
    store_le(r + kSdtHeaderLen + madt_index * ptr_size, ptr_size, out.phys.value() + madt_off);
    r[9] = 0;
    r[9] = uint8_t(-acpi_checksum(r, root_len));

    // RSDP pointing at the new root.
    uint8_t* p = out.buf;
    memcpy(p, rsdp, rsdp_len);
    if (ptr_size == 8) {
        store_le(p + 24, 8, out.phys.value() + root_off);
        store_le(p + 16, 4, 0);  // no way back to the unfiltered RSDT (acpi=rsdt)
    }
    else
        store_le(p + 16, 4, out.phys.value() + root_off);
    p[8] = 0;
    p[8] = uint8_t(-acpi_checksum(p, kRsdpV1Len));
    if (rsdp_len == kRsdpV2Len) {
        p[32] = 0;
        p[32] = uint8_t(-acpi_checksum(p, kRsdpV2Len));
    }

    res.rsdp = out.phys;
    res.bytes = madt_off + mlen;
    return res;
}

}  // namespace baton
