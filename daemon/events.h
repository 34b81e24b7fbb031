/* events.h - the ordered event stream of `tandemctl events`: every VRRP
 * transition (rt->on_change) and, later, checker and IPVS changes, each
 * with a sequence number, sent to every subscriber of the control socket. */
#ifndef TANDEM_EVENTS_H
#define TANDEM_EVENTS_H

#include <stdbool.h>
#include <stdint.h>

#include <json-c/json.h>

struct daemon;

/* Hook the VRRP runtime (d->rt.on_change); call once d->ctl exists. */
void ctl_events_attach(struct daemon *d);

/* Send an event: ev is an object with at least "type" ("vrrp", "checker",
 * "ipvs", "daemon"); "seq" and "time" are added. ev is consumed. */
void ctl_event_emit(struct daemon *d, json_object *ev);

/* Measured per instance for metrics: the duration of the last handoff or
 * graceful stop (priority 0 sent until the new master was heard), 0 =
 * none yet; when it last became master (loop clock, 0 = never). */
struct ctl_inst_times {
	uint32_t handoff_ms;
	uint32_t takeover_ms;      /* BACKUP -> MASTER: since the last advert heard */
	uint64_t became_master_ms; /* loop clock */
};
bool ctl_events_times(const char *instance, struct ctl_inst_times *out);

uint64_t ctl_events_started_ms(void); /* loop clock at attach */
uint64_t ctl_events_seq(void);        /* events sent so far */

#endif
