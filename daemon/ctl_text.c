/* ctl_text.c - JSON replies rendered as text (see ctl_text.h). Sections
 * are a table: checkers and IPVS (issues 5, 6) add a renderer here. */
#include "daemon/ctl_text.h"

#include <stdlib.h>
#include <string.h>

#include "daemon/ctl_get.h"

void ctl_text_duration(char *buf, size_t len, long long ms)
{
	long long s = ms / 1000;

	if (ms < 0)
		snprintf(buf, len, "-");
	else if (s < 60)
		snprintf(buf, len, "%lld.%llds", s, (ms % 1000) / 100);
	else if (s < 3600)
		snprintf(buf, len, "%lldm%02llds", s / 60, s % 60);
	else if (s < 86400)
		snprintf(buf, len, "%lldh%02lldm", s / 3600, (s % 3600) / 60);
	else
		snprintf(buf, len, "%lldd%02lldh", s / 86400, (s % 86400) / 3600);
}

static void vips_held(FILE *f, json_object *vips)
{
	size_t n = json_object_array_length(vips);

	fprintf(f, " vips=");
	for (size_t i = 0; i < n; i++) {
		json_object *v = json_object_array_get_idx(vips, i);

		fprintf(f, "%s%s%s", i ? "," : "", str(v, "address"),
			json_object_get_boolean(get(v, "present")) ? "" : "(absent)");
	}
	if (!n)
		fprintf(f, "-");
}

/* The first seven fields are the historical format: keep them first. */
static void text_vrrp(FILE *f, json_object *in)
{
	json_object *m = get(in, "master");
	char since[32];

	ctl_text_duration(since, sizeof(since), num(in, "in_state_ms"));
	fprintf(f, "%s vrid=%lld iface=%s state=%s prio=%lld master=%s adv_ms=%lld",
		str(in, "name"), num(in, "vrid"), str(in, "interface"), str(in, "state"),
		num(in, "priority"), str(m, "address"), num(m, "advert_interval_ms"));
	fprintf(f, " base_prio=%lld master_prio=%lld since=%s", num(in, "base_priority"),
		num(m, "priority"), since);
	vips_held(f, get(in, "vips"));
	if (get(in, "sync_group"))
		fprintf(f, " sync=%s", str(in, "sync_group"));
	if (json_object_get_boolean(get(in, "maintenance")))
		fprintf(f, " maintenance=on");
	if (str(in, "fault_reason")[0] && strcmp(str(in, "fault_reason"), "-"))
		fprintf(f, " fault=\"%s\"", str(in, "fault_reason"));
	fputc('\n', f);
}

static void text_sync(FILE *f, json_object *g)
{
	json_object *m = get(g, "members");
	size_t n = json_object_array_length(m);

	fprintf(f, "sync-group %s state=%s members=", str(g, "name"), str(g, "state"));
	for (size_t i = 0; i < n; i++) {
		json_object *x = json_object_array_get_idx(m, i);

		fprintf(f, "%s%s:%s", i ? "," : "", str(x, "name"), str(x, "state"));
	}
	fputc('\n', f);
}

static void text_peer(FILE *f, json_object *p)
{
	json_object *m = get(p, "master"), *u = get(p, "unicast_peers");
	size_t n = json_object_array_length(u);

	fprintf(f, "%s state=%s source=%s master=%s master_prio=%lld%s peers=", str(p, "instance"),
		str(p, "state"), str(p, "source"), str(m, "address"), num(m, "priority"),
		json_object_get_boolean(get(m, "self")) ? " (self)" : "");
	for (size_t i = 0; i < n; i++)
		fprintf(f, "%s%s", i ? "," : "",
			json_object_get_string(json_object_array_get_idx(u, i)));
	fprintf(f, "%s\n", n ? "" : "multicast");
}

static void text_checker(FILE *f, json_object *c)
{
	char since[32];

	ctl_text_duration(since, sizeof(since), num(c, "in_state_ms"));
	fprintf(f, "check %s type=%s state=%s since=%s last=%s runs=%lld failures=%lld",
		str(c, "name"), str(c, "type"), str(c, "state"), since, str(c, "last"),
		num(c, "runs"), num(c, "failures"));
	if (get(c, "role"))
		fprintf(f, " role=%s timeline=%lld", str(c, "role"), num(c, "timeline"));
	if (get(c, "lag_bytes"))
		fprintf(f, " lag_bytes=%lld", num(c, "lag_bytes"));
	fprintf(f, " reason=\"%s\"\n", str(c, "reason"));
}

static void text_ipvs(FILE *f, json_object *s)
{
	json_object *rs = get(s, "real_servers");
	size_t n = json_object_array_length(rs);

	fprintf(f, "ipvs %s sched=%s real_servers=", str(s, "service"), str(s, "scheduler"));
	for (size_t i = 0; i < n; i++) {
		json_object *r = json_object_array_get_idx(rs, i);

		fprintf(f, "%s%s:%lld/%s/w%lld", i ? "," : "", str(r, "address"), num(r, "port"),
			str(r, "forward"), num(r, "weight"));
	}
	fprintf(f, "%s\n", n ? "" : "none");
}

static const struct {
	const char *key;
	void (*row)(FILE *f, json_object *o);
} sections[] = {
	{ "vrrp", text_vrrp },
	{ "sync", text_sync },
	{ "peers", text_peer },
	{ "checkers", text_checker },
	{ "ipvs", text_ipvs },
	{ NULL, NULL }
};

static void text_daemon(FILE *f, json_object *d)
{
	char up[32];

	ctl_text_duration(up, sizeof(up), num(d, "uptime_ms"));
	fprintf(f, "# tandemd %s router %s pid %lld up %s%s%s\n", str(d, "version"),
		str(d, "router_id"), num(d, "pid"), up,
		json_object_get_boolean(get(d, "maintenance")) ? " MAINTENANCE" : "",
		json_object_get_boolean(get(d, "stopping")) ? " STOPPING" : "");
}

void ctl_text_data(FILE *f, json_object *data)
{
	if (get(data, "daemon"))
		text_daemon(f, get(data, "daemon"));
	for (int s = 0; sections[s].key; s++) {
		json_object *arr = get(data, sections[s].key);

		if (!arr || !json_object_is_type(arr, json_type_array))
			continue;
		for (size_t i = 0; i < json_object_array_length(arr); i++)
			sections[s].row(f, json_object_array_get_idx(arr, i));
	}
}

void ctl_text_counters(FILE *f, json_object *data)
{
	json_object *rx = get(data, "rx");

	/* "ok" first, then the drop reasons in their order */
	fprintf(f, "rx_ok %lld\n", num(rx, "ok"));
	json_object_object_foreach(rx, k, v)
		if (strcmp(k, "ok"))
			fprintf(f, "rx_%s %lld\n", k, (long long)json_object_get_int64(v));
	fprintf(f, "tx_adverts %lld\n", num(data, "tx_adverts"));
	fprintf(f, "tx_garp %lld\n", num(data, "tx_garp"));
}

/* "2024-05-01T10:00:00.123Z #7 vrrp web BACKUP -> MASTER (why) prio=150"
 * Other event types print their fields as key=value. */
char *ctl_text_event_line(json_object *ev)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		return NULL;
	fprintf(f, "%s #%lld %s", str(ev, "time"), num(ev, "seq"), str(ev, "type"));
	if (strcmp(str(ev, "type"), "vrrp") == 0) {
		fprintf(f, " %s %s -> %s (%s) prio=%lld master=%s", str(ev, "instance"),
			str(ev, "from"), str(ev, "to"), str(ev, "reason"), num(ev, "priority"),
			str(ev, "master"));
	} else {
		json_object_object_foreach(ev, k, v) {
			if (!strcmp(k, "time") || !strcmp(k, "seq") || !strcmp(k, "type"))
				continue;
			fprintf(f, " %s=%s", k, json_object_get_string(v));
		}
	}
	fputc('\n', f);
	if (fclose(f) != 0) {
		free(buf);
		return NULL;
	}
	return buf;
}
