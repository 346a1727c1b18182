// SPDX-License-Identifier: GPL-2.0
// One probe of B's readiness: a TCP connect, a UDP echo, or a command, each bounded.
#include "ready.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <thread>

#include "sys.h"

namespace baton::cli {

namespace {

constexpr int kProbeMs = 1000;  // one probe's bound: the caller polls until its own deadline

const char* net_phrase(int err)
{
    switch (err) {
    case ECONNREFUSED: return "connection refused";
    case ETIMEDOUT: return "no answer";
    case EHOSTUNREACH: return "host unreachable";
    case ENETUNREACH: return "network unreachable";
    default: return "no connection";
    }
}

Failure probe_tcp(const ReadyCheck& c)
{
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(c.port);
    inet_pton(AF_INET, c.host.c_str(), &a.sin_addr);
    Fd s(::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
    if (s.get() < 0)
        return Error("no socket for the check");
    if (::connect(s.get(), reinterpret_cast<sockaddr*>(&a), sizeof(a)) == 0)
        return std::nullopt;
    if (errno != EINPROGRESS)
        return Error(net_phrase(errno));
    pollfd p{s.get(), POLLOUT, 0};
    if (::poll(&p, 1, kProbeMs) != 1)
        return Error(net_phrase(ETIMEDOUT));
    int err = 0;
    socklen_t len = sizeof(err);
    ::getsockopt(s.get(), SOL_SOCKET, SO_ERROR, &err, &len);
    return err ? Failure(Error(net_phrase(err))) : std::nullopt;
}

Failure probe_udp(const ReadyCheck& c)
{
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(c.port);
    inet_pton(AF_INET, c.host.c_str(), &a.sin_addr);
    Fd s(::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
    if (s.get() < 0)
        return Error("no socket for the check");
    // A connected socket: an ICMP port unreachable comes back as ECONNREFUSED.
    if (::connect(s.get(), reinterpret_cast<sockaddr*>(&a), sizeof(a)) != 0)
        return Error(net_phrase(errno));
    static const char kPing[] = "baton-ready";
    if (::send(s.get(), kPing, sizeof(kPing) - 1, 0) < 0)
        return Error(net_phrase(errno));
    pollfd p{s.get(), POLLIN, 0};
    if (::poll(&p, 1, kProbeMs) != 1)
        return Error(net_phrase(ETIMEDOUT));
    char buf[64];
    if (::recv(s.get(), buf, sizeof(buf), 0) < 0)
        return Error(net_phrase(errno));
    return std::nullopt;
}

// The operator's command under /bin/sh, its output discarded, killed if it outlives
// its time (a check may hang on a B that is not there yet).
Failure probe_command(const ReadyCheck& c)
{
    const pid_t pid = ::fork();
    if (pid < 0)
        return Error("cannot start the check");
    if (pid == 0) {
        const int null = ::open("/dev/null", O_RDWR);
        ::dup2(null, 0);
        ::dup2(null, 1);
        ::dup2(null, 2);
        ::setpgid(0, 0);
        ::signal(SIGPIPE, SIG_DFL);  // baton upgrade ignores it; the check must not
        ::execl("/bin/sh", "sh", "-c", c.command.c_str(), static_cast<char*>(nullptr));
        ::_exit(127);
    }
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    int status = 0;
    for (;;) {
        const pid_t done = ::waitpid(pid, &status, WNOHANG);
        if (done == pid)
            break;
        if (done < 0 && errno != EINTR) {
            ::kill(-pid, SIGKILL);
            return Error("the check's exit status is lost");
        }
        if (std::chrono::steady_clock::now() > deadline) {
            ::kill(-pid, SIGKILL);
            ::kill(pid, SIGKILL);
            ::waitpid(pid, &status, 0);
            return Error("the command ran for more than 10 s");
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
        return std::nullopt;
    if (WIFEXITED(status))
        return Error("the command exited with " + std::to_string(WEXITSTATUS(status)));
    return Error("the command was killed by signal " + std::to_string(WTERMSIG(status)));
}

}  // namespace

Failure probe_ready(const ReadyCheck& c)
{
    switch (c.kind) {
    case ReadyCheck::Kind::tcp: return probe_tcp(c);
    case ReadyCheck::Kind::udp: return probe_udp(c);
    case ReadyCheck::Kind::command: return probe_command(c);
    case ReadyCheck::Kind::heartbeat: break;
    }
    return std::nullopt;
}

}  // namespace baton::cli
