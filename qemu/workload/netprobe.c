// SPDX-License-Identifier: GPL-2.0
/*
 * Network probes for both kernels' initramfs (static, like health):
 *   netprobe echo PORT TAG        UDP echo: answers every datagram with itself + " TAG"
 *   netprobe sink PORT            TCP: takes one connection, prints what it received and how fast
 *   netprobe send HOST PORT MIB   TCP: sends MIB MiB, prints the rate
 *   netprobe blast HOST PORT N    UDP: sends N datagrams as fast as it can (fills a queue)
 * The host-side blackout probe (qemu/baton_qemu/probe.py) talks to `echo`.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int fail(const char *what)
{
	perror(what);
	return 1;
}

static int echo(int port, const char *tag)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port) };
	int s = socket(AF_INET, SOCK_DGRAM, 0);
	char buf[2048];

	if (s < 0 || bind(s, (struct sockaddr *)&a, sizeof(a)) < 0)
		return fail("netprobe echo: bind");
	printf("ECHO listening on udp %d as %s\n", port, tag);
	fflush(stdout);
	for (;;) {
		struct sockaddr_in from;
		socklen_t len = sizeof(from);
		ssize_t n = recvfrom(s, buf, sizeof(buf) - 64, 0, (struct sockaddr *)&from, &len);

		if (n < 0)
			continue;
		n += snprintf(buf + n, 64, " %s", tag);
		sendto(s, buf, n, 0, (struct sockaddr *)&from, len);
	}
}

static int sink(int port)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port) };
	int s = socket(AF_INET, SOCK_STREAM, 0), one = 1, c;
	static char buf[1 << 16];
	long long total = 0;
	double t0;
	ssize_t n;

	setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (s < 0 || bind(s, (struct sockaddr *)&a, sizeof(a)) < 0 || listen(s, 1) < 0)
		return fail("netprobe sink: listen");
	printf("SINK listening on tcp %d\n", port);
	fflush(stdout);
	c = accept(s, NULL, NULL);
	if (c < 0)
		return fail("netprobe sink: accept");
	t0 = now_ms();
	while ((n = read(c, buf, sizeof(buf))) > 0)
		total += n;
	printf("SINK bytes=%lld ms=%.1f\n", total, now_ms() - t0);
	return 0;
}

static int send_mib(const char *host, int port, long mib)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port) };
	int s = socket(AF_INET, SOCK_STREAM, 0);
	static char buf[1 << 16];
	long long total = 0, want = (long long)mib << 20;
	double t0, ms;

	if (s < 0 || inet_pton(AF_INET, host, &a.sin_addr) != 1)
		return fail("netprobe send: address");
	if (connect(s, (struct sockaddr *)&a, sizeof(a)) < 0)
		return fail("netprobe send: connect");
	memset(buf, 0x5a, sizeof(buf));
	t0 = now_ms();
	while (total < want) {
		ssize_t n = write(s, buf, sizeof(buf));

		if (n <= 0)
			return fail("netprobe send: write");
		total += n;
	}
	shutdown(s, SHUT_WR);
	/* The sink closes once it has read everything: the rate is end to end. */
	while (read(s, buf, sizeof(buf)) > 0)
		;
	ms = now_ms() - t0;
	printf("SEND bytes=%lld ms=%.1f MiBps=%.2f\n", total, ms, total / 1048576.0 / (ms / 1e3));
	return 0;
}

static int blast(const char *host, int port, long count)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port) };
	int s = socket(AF_INET, SOCK_DGRAM, 0);
	char buf[1024] = "blast";
	long sent = 0, i;

	if (s < 0 || inet_pton(AF_INET, host, &a.sin_addr) != 1)
		return fail("netprobe blast: address");
	for (i = 0; i < count; i++)
		sent += sendto(s, buf, sizeof(buf), MSG_DONTWAIT, (struct sockaddr *)&a, sizeof(a)) > 0;
	printf("BLAST sent=%ld of %ld\n", sent, count);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 4 && !strcmp(argv[1], "echo"))
		return echo(atoi(argv[2]), argv[3]);
	if (argc == 3 && !strcmp(argv[1], "sink"))
		return sink(atoi(argv[2]));
	if (argc == 5 && !strcmp(argv[1], "send"))
		return send_mib(argv[2], atoi(argv[3]), atol(argv[4]));
	if (argc == 5 && !strcmp(argv[1], "blast"))
		return blast(argv[2], atoi(argv[3]), atol(argv[4]));
	fprintf(stderr, "usage: netprobe echo PORT TAG | netprobe sink PORT | "
		"netprobe send HOST PORT MIB | netprobe blast HOST PORT N\n");
	return 2;
}
