/* sdnotify.c - the sd_notify protocol, as documented in sd_notify(3):
 * "a datagram to the AF_UNIX socket in $NOTIFY_SOCKET"; a name starting
 * with '@' is in the abstract namespace. Small enough not to need
 * libsystemd, and tandemd runs the same without systemd. */
#include "daemon/sdnotify.h"

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "daemon/log.h"

static struct {
	struct sockaddr_un sun;
	socklen_t len;      /* 0 = no systemd */
	int fd;
	uint64_t watchdog_ms;
	bool warned;
} sd = { .fd = -1 };

static void parse_watchdog(void)
{
	const char *usec = getenv("WATCHDOG_USEC"), *pid = getenv("WATCHDOG_PID");
	unsigned long long us;
	char *end;

	/* WATCHDOG_PID, when set, names the process meant (sd_watchdog_enabled) */
	if (!usec || (pid && strtol(pid, NULL, 10) != (long)getpid()))
		return;
	us = strtoull(usec, &end, 10);
	if (*end || !us)
		return;
	sd.watchdog_ms = us / 2000 ? us / 2000 : 1;
}

void sdnotify_init(void)
{
	const char *p = getenv("NOTIFY_SOCKET");
	size_t n;

	parse_watchdog();
	unsetenv("WATCHDOG_USEC");
	unsetenv("WATCHDOG_PID");
	if (!p || (p[0] != '/' && p[0] != '@') || (n = strlen(p)) >= sizeof(sd.sun.sun_path)) {
		unsetenv("NOTIFY_SOCKET");
		return;
	}
	sd.sun.sun_family = AF_UNIX;
	memcpy(sd.sun.sun_path, p, n);
	if (p[0] == '@')
		sd.sun.sun_path[0] = '\0';
	sd.len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n + (p[0] == '/'));
	sd.fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (sd.fd < 0)
		sd.len = 0;
	unsetenv("NOTIFY_SOCKET");
}

bool sdnotify_enabled(void)
{
	return sd.len != 0;
}

int sdnotify(const char *msg)
{
	if (!sd.len)
		return 0;
	if (sendto(sd.fd, msg, strlen(msg), MSG_NOSIGNAL, (struct sockaddr *)&sd.sun,
		   sd.len) >= 0)
		return 0;
	if (!sd.warned)
		log_warn("sd_notify %.20s", msg);
	sd.warned = true;
	return -1;
}

int sdnotify_reloading(void)
{
	struct timespec ts;
	char buf[64];

	clock_gettime(CLOCK_MONOTONIC, &ts);
	snprintf(buf, sizeof(buf), "RELOADING=1\nMONOTONIC_USEC=%llu",
		 (unsigned long long)ts.tv_sec * 1000000ULL + (unsigned long long)ts.tv_nsec / 1000);
	return sdnotify(buf);
}

uint64_t sdnotify_watchdog_ms(void)
{
	return sd.watchdog_ms;
}
