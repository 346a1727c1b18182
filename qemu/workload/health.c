// SPDX-License-Identifier: GPL-2.0
/*
 * health: the workload that proves a kernel is undisturbed while baton works beside it.
 *
 *   health heartbeat [INTERVAL_MS [TAG]]  "HB <seq> <monotonic ms>[ <tag>]" on stdout every
 *                                    interval (B tags its beats: both kernels' reach COM1)
 *   health memtest MIB [PASSES]      fill MIB of memory with an address-derived pattern,
 *                                    verify and rewrite it PASSES times (0: forever);
 *                                    "MEMTEST pass=<n> errors=<e> mib=<m>" after each pass
 *
 * Static, no dependencies: it runs from both kernels' initramfs.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Never returns: it beats until it is killed or the kernel under it stops. */
static _Noreturn void heartbeat(long interval_ms, const char *tag)
{
	struct timespec next;
	unsigned long seq = 0;

	clock_gettime(CLOCK_MONOTONIC, &next);
	for (;;) {
		printf("HB %lu %llu%s%s\n", seq++, (unsigned long long)now_ms(), tag ? " " : "",
		       tag ? tag : "");
		fflush(stdout);
		next.tv_nsec += interval_ms * 1000000L;
		while (next.tv_nsec >= 1000000000L) {
			next.tv_nsec -= 1000000000L;
			next.tv_sec++;
		}
		while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &next, NULL) == EINTR)
			;
	}
}

/* A value no stale or shifted page can hold by accident: word index mixed with the seed. */
static inline uint64_t pattern(uint64_t i, uint64_t seed)
{
	uint64_t x = (i + 1) * 0x9e3779b97f4a7c15ull ^ seed;

	x ^= x >> 31;
	return x * 0xbf58476d1ce4e5b9ull;
}

static int memtest(long mib, long passes)
{
	size_t words = (size_t)mib << 17;	/* MiB / 8 bytes */
	uint64_t *mem, seed = 1, errors = 0;
	long pass;
	size_t i;

	mem = mmap(NULL, words * 8, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	if (mem == MAP_FAILED) {
		fprintf(stderr, "health: cannot map %ld MiB: %s\n", mib, strerror(errno));
		return 1;
	}
	for (i = 0; i < words; i++)
		mem[i] = pattern(i, seed);
	for (pass = 1; passes == 0 || pass <= passes; pass++) {
		uint64_t next = seed + 1;

		for (i = 0; i < words; i++) {
			if (mem[i] != pattern(i, seed)) {
				if (errors < 10)
					fprintf(stderr, "health: word %zu: %#llx != %#llx\n", i,
						(unsigned long long)mem[i],
						(unsigned long long)pattern(i, seed));
				errors++;
			}
			mem[i] = pattern(i, next);
		}
		seed = next;
		printf("MEMTEST pass=%ld errors=%llu mib=%ld\n", pass,
		       (unsigned long long)errors, mib);
		fflush(stdout);
	}
	return errors ? 1 : 0;
}

int main(int argc, char **argv)
{
	if (argc >= 2 && !strcmp(argv[1], "heartbeat"))
		heartbeat(argc > 2 ? atol(argv[2]) : 100, argc > 3 ? argv[3] : NULL);
	if (argc >= 3 && !strcmp(argv[1], "memtest"))
		return memtest(atol(argv[2]), argc > 3 ? atol(argv[3]) : 1);
	fprintf(stderr, "usage: health heartbeat [INTERVAL_MS [TAG]] | health memtest MIB [PASSES]\n");
	return 2;
}
