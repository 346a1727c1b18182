// SPDX-License-Identifier: GPL-2.0
#include "sys.h"

#include <dirent.h>
#include <fcntl.h>
#include <linux/kexec.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <filesystem>
#include <cstring>
#include <memory>

#include "errors.h"
#include "planner.h"

namespace baton::cli {

Fd::~Fd()
{
    if (fd_ >= 0)
        ::close(fd_);
}

Fd& Fd::operator=(Fd&& o) noexcept
{
    if (this != &o) {
        if (fd_ >= 0)
            ::close(fd_);
        fd_ = o.fd_;
        o.fd_ = -1;
    }
    return *this;
}

Expected<std::string> read_file(const std::string& path)
{
    Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (fd.get() < 0)
        return Error("cannot read " + path + ": " + errno_phrase(errno));
    std::string out;
    char buf[65536];
    for (;;) {
        ssize_t n = ::read(fd.get(), buf, sizeof(buf));
        if (n < 0)
            return Error("cannot read " + path + ": " + errno_phrase(errno));
        if (n == 0)
            break;
        out.append(buf, size_t(n));
    }
    return out;
}

Failure replace_file(const std::string& path, std::string_view data)
{
    // A new file beside it, renamed over it: a reader sees the old one or the new one.
    const std::string tmp = path + ".new";
    {
        Fd fd(::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600));
        if (fd.get() < 0)
            return "cannot write " + tmp + ": " + errno_phrase(errno);
        const ssize_t n = ::write(fd.get(), data.data(), data.size());
        if (n != ssize_t(data.size())) {
            ::unlink(tmp.c_str());
            return "cannot write " + tmp + ": " + (n < 0 ? errno_phrase(errno) : "short write");
        }
    }
    if (::rename(tmp.c_str(), path.c_str()) != 0) {
        const int err = errno;
        ::unlink(tmp.c_str());
        return "cannot write " + path + ": " + errno_phrase(err);
    }
    return std::nullopt;
}

Failure write_file(const std::string& path, std::string_view data)
{
    Fd fd(::open(path.c_str(), O_WRONLY | O_CLOEXEC));
    if (fd.get() < 0)
        return "cannot write " + path + ": " + errno_phrase(errno);
    const ssize_t n = ::write(fd.get(), data.data(), data.size());
    if (n < 0)
        return "cannot write " + path + ": " + errno_phrase(errno);
    if (n != ssize_t(data.size()))
        return "cannot write " + path + ": the kernel took only part of it";
    return std::nullopt;
}

Expected<PciFunction> pci_function(uint32_t id)
{
    PciFunction f{id, "0000:" + pci_bdf(id), {}, 0};
    const std::string dir = "/sys/bus/pci/devices/" + f.name;
    auto cls = read_file(dir + "/class");
    if (!cls)
        return Error("A has no PCI function " + f.name.substr(5));
    f.pci_class = uint32_t(strtoul(cls.value->c_str(), nullptr, 16));
    std::error_code ec;
    const auto driver = std::filesystem::read_symlink(dir + "/driver", ec);
    if (!ec)
        f.driver = driver.filename();
    return f;
}

Expected<std::vector<PciFunction>> pci_functions()
{
    std::vector<PciFunction> out;
    std::unique_ptr<DIR, int (*)(DIR*)> d(::opendir("/sys/bus/pci/devices"), ::closedir);
    if (!d)
        return Error("cannot list /sys/bus/pci/devices: " + errno_phrase(errno));
    std::vector<uint32_t> ids;
    while (dirent* e = readdir(d.get())) {
        unsigned seg, bus, dev, fn;
        if (sscanf(e->d_name, "%x:%x:%x.%x", &seg, &bus, &dev, &fn) == 4 && seg == 0)
            ids.push_back(bus << 8 | dev << 3 | fn);
    }
    std::sort(ids.begin(), ids.end());
    for (uint32_t id : ids)
        if (auto f = pci_function(id))
            out.push_back(*f.value);
    return out;
}

Failure pci_fence_for_b(const PciFunction& f)
{
    return write_file("/sys/bus/pci/devices/" + f.name + "/driver_override", "baton-b");
}

Failure pci_give_back(const PciFunction& f)
{
    const std::string dir = "/sys/bus/pci/devices/" + f.name;
    if (auto e = write_file(dir + "/driver_override", "\n"))
        return e;
    std::error_code ec;
    if (!f.driver.empty() && !std::filesystem::exists(dir + "/driver", ec))
        return write_file("/sys/bus/pci/drivers/" + f.driver + "/bind", f.name);
    return std::nullopt;
}

static const char kRcuExpedited[] = "/sys/kernel/rcu_expedited";

ExpeditedRcu::ExpeditedRcu()
{
    if (auto v = read_file(kRcuExpedited); v && *v.value != "1\n") {
        saved_ = *v.value;
        write_file(kRcuExpedited, "1");
    }
}

ExpeditedRcu::~ExpeditedRcu()
{
    if (!saved_.empty())
        write_file(kRcuExpedited, saved_);
}

Expected<MachineFacts> read_machine_facts()
{
    MachineFacts f;
    auto iomem = read_file("/proc/iomem");
    if (!iomem)
        return Error(iomem.error);
    // Without memory hotplug A keeps all its RAM to the end: no blocks, all of it late.
    if (auto blocks = memory_blocks())
        for (const MemoryBlock& b : *blocks.value)
            f.blocks.push_back({b.base, b.size, b.state == "online" && b.valid_zones == "Movable"});
    f.iomem = parse_iomem(*iomem.value);
    auto cmdline = read_file("/proc/cmdline");
    if (!cmdline)
        return Error(cmdline.error);
    f.cmdline = *cmdline.value;
    auto cpuinfo = read_file("/proc/cpuinfo");
    if (!cpuinfo)
        return Error(cpuinfo.error);
    f.cpus = parse_cpuinfo(*cpuinfo.value);
    f.x2apic = a_runs_x2apic(*cpuinfo.value, f.cmdline);
    // baton.ko's view: the window it hosts through, the machine's BSP.  In a kernel baton
    // launched (its platform shows the ledger it came in through) also the firmware's facts,
    // which that kernel's own ACPI and memory map hide.
    const std::string kBaton = "/sys/kernel/baton/";
    if (auto st = read_file(kBaton + "status")) {
        auto h = parse_host_status(*st.value);
        if (!h)
            return Error(kBaton + "status: cannot parse (baton.ko of another version?)");
        f.window = h->window;
        f.bsp_cpu = h->bsp_cpu;
    }
    if (auto ledger = read_file(kBaton + "ledger")) {
        f.guest = true;
        if (ledger.value->size() >= sizeof(baton_ledger)) {
            baton_ledger l;
            memcpy(&l, ledger.value->data(), sizeof(l));
            f.guest_state = l.magic == BATON_LEDGER_MAGIC ? l.state : 0;
        }
        if (::access((kBaton + "status").c_str(), F_OK) != 0)
            return Error("this kernel was launched by baton: load its baton.ko to host the "
                         "next kernel (modprobe baton)");
    }
    const std::string tables = f.guest ? kBaton + "firmware/" : "/sys/firmware/acpi/tables/";
    // Root reads them; a table the firmware does not have is no file.
    for (auto [sig, out] : {std::pair{"APIC", &f.madt}, {"SRAT", &f.srat}, {"MCFG", &f.mcfg}}) {
        const std::string path = tables + sig;
        if (::access(path.c_str(), F_OK) != 0 && errno == ENOENT)
            continue;
        auto t = read_file(path);
        if (!t)
            return Error(t.error);
        *out = std::move(*t.value);
    }
    const std::string present_path = "/sys/devices/system/cpu/present";
    auto present = read_file(present_path);
    if (!present)
        return Error(present.error);
    const auto present_cpus = count_cpu_list(*present.value);
    if (!present_cpus)
        return Error(present_path + ": not a CPU list");
    f.present_cpus = *present_cpus;
    auto fns = pci_functions();
    if (!fns)
        return Error(fns.error);
    for (const PciFunction& p : *fns.value)
        f.pci.push_back({p.id, !p.driver.empty(), (p.pci_class >> 16) == 0x06});

    if (f.guest) {
        const std::string path = kBaton + "firmware/memmap";
        auto text = read_file(path);
        if (!text)
            return Error(text.error);
        auto map = parse_firmware_memmap(*text.value);
        if (!map)
            return Error(path + ": cannot parse");
        f.firmware = std::move(*map);
        return f;
    }
    const std::string dir = "/sys/firmware/memmap";
    std::unique_ptr<DIR, int (*)(DIR*)> d(::opendir(dir.c_str()), ::closedir);
    if (!d)
        return Error("cannot list " + dir + ": " + errno_phrase(errno) +
                     " (A needs CONFIG_FIRMWARE_MEMMAP)");
    while (dirent* e = ::readdir(d.get())) {
        if (e->d_name[0] == '.')
            continue;
        const std::string base = dir + "/" + e->d_name + "/";
        auto s = read_file(base + "start"), en = read_file(base + "end"), t = read_file(base + "type");
        if (!s || !en || !t)
            return Error(base + ": unreadable");
        E820Entry entry;
        if (!parse_memmap_entry(*s.value, *en.value, *t.value, entry))
            return Error(base + ": cannot parse");
        f.firmware.push_back(entry);
    }
    return f;
}

int kexec_load_crash(uint64_t entry, std::span<const Segment> segs)
{
    std::vector<kexec_segment> ks;
    for (const Segment& s : segs)
        ks.push_back({s.buf.data(), s.buf.size(), reinterpret_cast<const void*>(s.mem), s.memsz});
    if (::syscall(SYS_kexec_load, entry, ks.size(), ks.data(),
                  KEXEC_ON_CRASH | KEXEC_ARCH_X86_64) != 0)
        return errno;
    return 0;
}

int kexec_unload_crash()
{
    if (::syscall(SYS_kexec_load, 0, 0, nullptr, KEXEC_ON_CRASH | KEXEC_ARCH_X86_64) != 0)
        return errno;
    return 0;
}

bool kexec_crash_loaded()
{
    auto v = read_file("/sys/kernel/kexec_crash_loaded");
    return v && v.value->starts_with("1");
}

Expected<Device> Device::open()
{
    Fd fd(::open(BATON_DEVICE, O_RDWR | O_CLOEXEC));
    if (fd.get() < 0)
        return Error(device_error(errno));
    return Device(std::move(fd));
}

int Device::call(unsigned long req, void* arg) const
{
    return ::ioctl(fd_.get(), req, arg) == 0 ? 0 : errno;
}

int Device::load(const baton_load_args& a) const
{
    return call(BATON_IOC_LOAD, const_cast<baton_load_args*>(&a));
}

int Device::launch() const
{
    baton_launch_args a{};
    return call(BATON_IOC_LAUNCH, &a);
}

int Device::abort() const
{
    return call(BATON_IOC_ABORT, nullptr);
}

int Device::slot(uint32_t op) const
{
    baton_slot_args a{};
    a.op = op;
    return call(BATON_IOC_SLOT, &a);
}

int Device::reserve(uint64_t base, uint64_t size) const
{
    baton_reserve_args a{};
    a.base = base;
    a.size = size;
    return call(BATON_IOC_RESERVE, &a);
}

Failure Device::unload_own_image() const
{
    if (int err = slot(BATON_SLOT_UNLOAD))
        return slot_error(BATON_SLOT_UNLOAD, err);
    if (int err = kexec_unload_crash())
        return kexec_error(err, true);
    if (int err = slot(BATON_SLOT_FREE))
        return slot_error(BATON_SLOT_FREE, err);
    return std::nullopt;
}

int Device::release(const baton_release_args& a) const
{
    return call(BATON_IOC_RELEASE, const_cast<baton_release_args*>(&a));
}

int Device::hand_over(uint32_t uarts) const
{
    baton_hand_over_args a{};
    a.uarts = uarts;
    return call(BATON_IOC_HAND_OVER, &a);
}

int Device::status(baton_status& st) const
{
    st = baton_status{};
    return call(BATON_IOC_STATUS, &st);
}

}  // namespace baton::cli
