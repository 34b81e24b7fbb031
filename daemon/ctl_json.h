/* ctl_json.h - the daemon's state as JSON for the control socket: one
 * snapshot feeds `status`, `show`, `metrics` and the text renderers, so
 * every view uses the same field names (doc/control-protocol.md). */
#ifndef TANDEM_CTL_JSON_H
#define TANDEM_CTL_JSON_H

#include <stdbool.h>

#include <json-c/json.h>

struct daemon;

/* A section of the snapshot. Checkers and IPVS (issues 5, 6) add a row
 * here, a text renderer in ctl_text.c and metrics in metrics.c. */
struct ctl_section {
	const char *name;  /* key in the snapshot and `show NAME` */
	bool in_status;    /* part of `tandemctl status` */
	/* JSON array of the section's objects; filter = a name or NULL.
	 * NULL collect: not available yet (the section is left out). */
	json_object *(*collect)(struct daemon *d, const char *filter);
};

extern const struct ctl_section ctl_sections[];

/* ctl_engines.c: the checkers and IPVS sections */
json_object *ctl_collect_checkers(struct daemon *d, const char *filter);
json_object *ctl_collect_ipvs(struct daemon *d, const char *filter);
json_object *ctl_ipvs_counters(struct daemon *d); /* needs d->ipvs */
struct chk_state;
void ctl_event_checker(struct daemon *d, const struct chk_state *st);
void ctl_event_ipvs(size_t ops, size_t refused, uint64_t ms, void *arg); /* arg: daemon */

/* {"daemon": {...}, "vrrp": [...], "sync": [...], ...} (status sections) */
json_object *ctl_json_status(struct daemon *d, const char *filter);
/* {"<section>": [...]}; NULL if the section is unknown or not available. */
json_object *ctl_json_show(struct daemon *d, const char *section, const char *filter);
/* {"rx": {"ok": N, "<reason>": N...}, "tx_adverts": N, "tx_garp": N} */
json_object *ctl_json_counters(struct daemon *d);

#endif
