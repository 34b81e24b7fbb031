/* sdnotify.h - systemd's readiness protocol (sd_notify(3)), without
 * libsystemd: one datagram per message to $NOTIFY_SOCKET. Without systemd
 * (no $NOTIFY_SOCKET) every call does nothing. */
#ifndef TANDEM_SDNOTIFY_H
#define TANDEM_SDNOTIFY_H

#include <stdbool.h>
#include <stdint.h>

/* Read and unset $NOTIFY_SOCKET, $WATCHDOG_USEC, $WATCHDOG_PID, so hooks
 * we start do not inherit them. Call once, in the process that stays. */
void sdnotify_init(void);
bool sdnotify_enabled(void);
/* Send "READY=1", "STATUS=...", ...; returns 0, or -1 (logged once). */
int sdnotify(const char *msg);
/* RELOADING=1 with MONOTONIC_USEC (systemd >= 253 wants it). */
int sdnotify_reloading(void);
/* The keep-alive period: half of WatchdogSec, in ms; 0 = no watchdog. */
uint64_t sdnotify_watchdog_ms(void);

#endif
