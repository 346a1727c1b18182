// SPDX-License-Identifier: GPL-2.0
// `baton plan`: B's partition from what A reports, saved for `load` and `launch`.
#include <sstream>

#include "cli.h"
#include "json.h"
#include "lib/zero_page.h"
#include "plan_limits.h"

namespace baton::cli {

namespace {

std::vector<unsigned> parse_cpu_list(const std::string& s, std::string& err)
{
    std::vector<unsigned> out;
    std::stringstream ss(s);
    std::string item;
    while (std::getline(ss, item, ',')) {
        const auto v = decimal(item, 4);
        if (!v || *v > 4095) {
            err = "--cpus: '" + item + "' is not a CPU number";
            return {};
        }
        out.push_back(unsigned(*v));
    }
    return out;
}

}  // namespace

void print_plan(const LaunchPlan& lp, bool json)
{
    if (json) {
        Json j;
        j.obj().kv("ok", true).kv("plan", lp.text());
        j.key("partition").obj().kv("base", hex(lp.plan.partition.begin()))
            .kv("size", hex(lp.plan.partition.size())).end();
        j.key("b_ram").obj().kv("base", hex(lp.plan.b_ram().begin()))
            .kv("size", hex(lp.plan.b_ram().size())).end();
        j.key("low_window").obj().kv("base", hex(lp.plan.low.begin()))
            .kv("size", hex(lp.plan.low.size())).end();
        j.key("cpus").arr();
        for (const PlannedCpu& c : lp.cpus)
            j.obj().kv("a_cpu", c.a_cpu).kv("apic_id", c.apic_id).end();
        j.end();
        j.key("uarts").arr().val(hex(lp.plan.console_port)).end();
        j.key("pci").arr();
        for (size_t i = 0; i < lp.plan.npci; i++)
            j.val(hex(lp.plan.pci[i]));
        j.end();
        j.key("e820").arr();
        for (size_t i = 0; i < lp.b_e820.count; i++) {
            const E820Entry& e = lp.b_e820.entries[i];
            const Str t = e820_type_name(e.type);
            j.obj().kv("begin", hex(e.range.begin())).kv("end", hex(e.range.end()))
                .kv("type", std::string(t.ptr, t.len)).end();
        }
        j.end().end();
        printf("%s\n", j.str().c_str());
        return;
    }
    printf("partition   %s-%s (%llu MiB), crashkernel region %s-%s\n",
           hex(lp.plan.partition.begin()).c_str(), hex(lp.plan.partition.end() - 1).c_str(),
           static_cast<unsigned long long>(lp.plan.partition.size() >> 20),
           hex(lp.crash_region.begin()).c_str(), hex(lp.crash_region.end() - 1).c_str());
    printf("B's RAM     %s-%s + low window %s-%s\n", hex(lp.plan.b_ram().begin()).c_str(),
           hex(lp.plan.b_ram().end() - 1).c_str(), hex(lp.plan.low.begin()).c_str(),
           hex(lp.plan.low.end() - 1).c_str());
    printf("B's CPUs   ");
    for (const PlannedCpu& c : lp.cpus)
        printf(" cpu%u (APIC ID %u)", c.a_cpu, c.apic_id);
    printf("; B boots on APIC ID %u\n", lp.cpus[0].apic_id);
    printf("B's UART    %s (COM2)\n", hex(lp.plan.console_port).c_str());
    printf("B's PCI     %s\n", lp.plan.npci ? "" : "none");
    for (size_t i = 0; i < lp.plan.npci; i++)
        printf("            %s\n", pci_bdf(lp.plan.pci[i]).c_str());
    printf("B's e820    %zu entries\n", lp.b_e820.count);
    for (size_t i = 0; i < lp.b_e820.count; i++) {
        const E820Entry& e = lp.b_e820.entries[i];
        const Str t = e820_type_name(e.type);
        printf("            %s-%s %.*s\n", hex(e.range.begin()).c_str(),
               hex(e.range.end() - 1).c_str(), int(t.len), t.ptr);
    }
    printf("plan        %s\n", lp.text().c_str());
}

Expected<LaunchPlan> compute_plan(const Args& a)
{
    auto facts = read_machine_facts();
    if (!facts)
        return facts.error;
    PlanOptions o;
    if (a.has("partition"))
        o.partition = a.get("partition");
    if (a.has("cpus")) {
        std::string err;
        o.cpus = parse_cpu_list(a.get("cpus"), err);
        if (!err.empty())
            return Error(err, Exit::usage);
    }
    if (a.has("pci")) {
        std::stringstream ss(a.get("pci"));
        std::string item;
        while (std::getline(ss, item, ','))
            o.pci.push_back(item);
    }
    const std::string dir = a.get("dir", kDefaultDir);
    const std::string kernel = a.get("kernel", dir + "/bzImage");
    const std::string initrd = a.get("initrd", dir + "/initramfs.cpio.gz");
    // B's CPU limit, from its build's .config staged next to its bzImage.
    const auto candidates = b_config_paths(kernel);
    o.b_config = candidates[0];
    auto config = read_file(o.b_config);
    for (size_t i = 1; i < candidates.size() && !config; i++)
        if (auto c = read_file(candidates[i])) {
            o.b_config = candidates[i];
            config = c;
        }
    auto limit = b_cpu_limit(config ? config.value : std::nullopt, o.b_config);
    if (!limit)
        return limit.error;
    o.b_nr_cpus = *limit.value;
    if (auto img = read_bytes(kernel)) {
        auto k = parse_bzimage(img.value->data(), img.value->size());
        if (!k.ok())
            return Error(kernel + ": " + k.error().msg.c_str());
        o.kernel = k.value();
        o.have_kernel = true;
        if (auto rd = read_bytes(initrd))
            o.initrd_size = rd.value->size();
    } else {
        return img.error;
    }
    return make_plan(*facts.value, o);
}

int cmd_plan(const Args& a)
{
    auto r = compute_plan(a);
    if (!r)
        return refuse(r.error, a.json);
    const LaunchPlan& lp = *r.value;
    if (auto err = save_state(lp))
        return refuse(*err, a.json);
    print_plan(lp, a.json);
    return 0;
}

}  // namespace baton::cli
