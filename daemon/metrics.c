/* metrics.c - Prometheus text exposition from the status snapshot. Every
 * family is written whole (HELP, TYPE, then its samples), as the format
 * requires; label values are escaped (\\, \", \n). Sections are a table:
 * checkers and IPVS (issues 5, 6) add a renderer. */
#include "daemon/metrics.h"

#include <string.h>

#include "daemon/ctl_get.h"

static const char *const states[] = { "INIT", "BACKUP", "MASTER", "FAULT", "LEAVING", NULL };

static void label(FILE *f, const char *v)
{
	for (; v && *v; v++) {
		if (*v == '\\' || *v == '"')
			fputc('\\', f);
		if (*v == '\n')
			fputs("\\n", f);
		else
			fputc(*v, f);
	}
}

static void head(FILE *f, const char *name, const char *type, const char *help)
{
	fprintf(f, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

/* name{instance="web",vrid="51",interface="eth0"[,extra="x"]} */
static void inst_labels(FILE *f, const char *name, json_object *in, const char *k, const char *v)
{
	fprintf(f, "%s{instance=\"", name);
	label(f, json_object_get_string(get(in, "name")));
	fprintf(f, "\",vrid=\"%lld\",interface=\"", num(in, "vrid"));
	label(f, json_object_get_string(get(in, "interface")));
	fputc('"', f);
	if (k) {
		fprintf(f, ",%s=\"", k);
		label(f, v);
		fputc('"', f);
	}
	fputs("} ", f);
}

typedef void (*inst_fn)(FILE *f, const char *name, json_object *in);

static void each(FILE *f, json_object *arr, const char *name, const char *type,
		 const char *help, inst_fn fn)
{
	size_t n = json_object_array_length(arr);

	if (!n)
		return;
	head(f, name, type, help);
	for (size_t i = 0; i < n; i++)
		fn(f, name, json_object_array_get_idx(arr, i));
}

static void m_state(FILE *f, const char *name, json_object *in)
{
	const char *st = json_object_get_string(get(in, "state"));

	for (int s = 0; states[s]; s++) {
		inst_labels(f, name, in, "state", states[s]);
		fprintf(f, "%d\n", st && strcmp(st, states[s]) == 0);
	}
}

#define SIMPLE(fn, expr) \
	static void fn(FILE *f, const char *name, json_object *in) \
	{ inst_labels(f, name, in, NULL, NULL); fprintf(f, "%lld\n", (long long)(expr)); }

SIMPLE(m_prio, num(in, "priority"))
SIMPLE(m_base, num(in, "base_priority"))
SIMPLE(m_trans, num(in, "transitions"))
SIMPLE(m_rx, num(get(in, "counters"), "adverts_received"))
SIMPLE(m_tx, num(get(in, "counters"), "adverts_sent"))
SIMPLE(m_mprio, num(get(in, "master"), "priority"))

static void m_secs(FILE *f, const char *name, json_object *in, const char *key)
{
	if (!get(in, key))
		return;
	inst_labels(f, name, in, NULL, NULL);
	fprintf(f, "%.3f\n", (double)num(in, key) / 1000.0);
}

static void m_in_state(FILE *f, const char *name, json_object *in) { m_secs(f, name, in, "in_state_ms"); }
static void m_handoff(FILE *f, const char *name, json_object *in) { m_secs(f, name, in, "last_handoff_ms"); }
static void m_takeover(FILE *f, const char *name, json_object *in) { m_secs(f, name, in, "last_takeover_ms"); }

static void m_drops(FILE *f, const char *name, json_object *in)
{
	json_object_object_foreach(get(get(in, "counters"), "drops"), k, v) {
		inst_labels(f, name, in, "reason", k);
		fprintf(f, "%lld\n", (long long)json_object_get_int64(v));
	}
}

static void vrrp_metrics(FILE *f, json_object *arr)
{
	each(f, arr, "tandem_vrrp_state", "gauge",
	     "1 for the instance's current state (INIT BACKUP MASTER FAULT LEAVING)", m_state);
	each(f, arr, "tandem_vrrp_priority", "gauge", "Effective priority (after tracking)", m_prio);
	each(f, arr, "tandem_vrrp_base_priority", "gauge", "Configured priority", m_base);
	each(f, arr, "tandem_vrrp_master_priority", "gauge",
	     "Priority of the current master as last heard (ours when master)", m_mprio);
	each(f, arr, "tandem_vrrp_state_seconds", "gauge", "Time in the current state", m_in_state);
	each(f, arr, "tandem_vrrp_transitions_total", "counter", "State changes since start", m_trans);
	each(f, arr, "tandem_vrrp_adverts_received_total", "counter",
	     "Advertisements accepted for this instance", m_rx);
	each(f, arr, "tandem_vrrp_adverts_sent_total", "counter", "Advertisements sent", m_tx);
	each(f, arr, "tandem_vrrp_rx_dropped_total", "counter",
	     "Advertisements for this instance dropped, by reason", m_drops);
	each(f, arr, "tandem_vrrp_last_handoff_seconds", "gauge",
	     "Last handoff or graceful stop: priority 0 sent until the new master was heard",
	     m_handoff);
	each(f, arr, "tandem_vrrp_last_takeover_seconds", "gauge",
	     "Last takeover: from the old master's last advert to becoming master", m_takeover);
}

static void daemon_metrics(FILE *f, json_object *st)
{
	json_object *d = get(st, "daemon"), *c = get(st, "counters");

	head(f, "tandem_up", "gauge", "tandemd is running");
	fprintf(f, "tandem_up 1\n");
	head(f, "tandem_maintenance", "gauge", "1 while maintenance is on");
	fprintf(f, "tandem_maintenance %d\n", json_object_get_boolean(get(d, "maintenance")));
	head(f, "tandem_uptime_seconds", "gauge", "Time since tandemd started");
	fprintf(f, "tandem_uptime_seconds %.3f\n", (double)num(d, "uptime_ms") / 1000.0);
	head(f, "tandem_events_total", "counter", "Events sent on the event stream");
	fprintf(f, "tandem_events_total %lld\n", num(d, "events_sent"));
	if (!c)
		return;
	head(f, "tandem_rx_packets_total", "counter",
	     "VRRP packets received on all interfaces, by result (ok or the drop reason)");
	json_object_object_foreach(get(c, "rx"), k, v) {
		fprintf(f, "tandem_rx_packets_total{result=\"");
		label(f, k);
		fprintf(f, "\"} %lld\n", (long long)json_object_get_int64(v));
	}
	head(f, "tandem_tx_adverts_total", "counter", "Advertisements sent, all instances");
	fprintf(f, "tandem_tx_adverts_total %lld\n", num(c, "tx_adverts"));
	head(f, "tandem_tx_garp_total", "counter", "Gratuitous ARPs and unsolicited NAs sent");
	fprintf(f, "tandem_tx_garp_total %lld\n", num(c, "tx_garp"));
}

static void chk_sample(FILE *f, const char *name, json_object *c, long long v)
{
	fprintf(f, "%s{checker=\"", name);
	label(f, json_object_get_string(get(c, "name")));
	fprintf(f, "\",type=\"");
	label(f, json_object_get_string(get(c, "type")));
	fprintf(f, "\"} %lld\n", v);
}

static void checker_metrics(FILE *f, json_object *arr)
{
	static const struct { const char *name, *type, *help, *key; } fams[] = {
		{ "tandem_checker_runs_total", "counter", "Checks run", "runs" },
		{ "tandem_checker_failures_total", "counter", "Checks that did not pass", "failures" },
		{ "tandem_checker_changes_total", "counter", "State changes (after rise/fall)", "changes" },
		{ "tandem_checker_last_duration_ms", "gauge", "Duration of the last check", "last_duration_ms" },
	};
	size_t n = json_object_array_length(arr);

	if (!n)
		return;
	head(f, "tandem_checker_up", "gauge", "1 while the checker's state is UP");
	for (size_t i = 0; i < n; i++) {
		json_object *c = json_object_array_get_idx(arr, i);

		chk_sample(f, "tandem_checker_up", c, strcmp(str(c, "state"), "UP") == 0);
	}
	for (size_t k = 0; k < sizeof(fams) / sizeof(fams[0]); k++) {
		head(f, fams[k].name, fams[k].type, fams[k].help);
		for (size_t i = 0; i < n; i++) {
			json_object *c = json_object_array_get_idx(arr, i);

			chk_sample(f, fams[k].name, c, num(c, fams[k].key));
		}
	}
}

static void ipvs_metrics(FILE *f, json_object *arr)
{
	size_t n = json_object_array_length(arr);

	if (!n)
		return;
	head(f, "tandem_ipvs_real_servers", "gauge",
	     "Real servers Tandem wants in the service now (weight > 0)");
	for (size_t i = 0; i < n; i++) {
		json_object *s = json_object_array_get_idx(arr, i), *rs = get(s, "real_servers");
		long long up = 0;

		for (size_t k = 0; k < json_object_array_length(rs); k++)
			up += num(json_object_array_get_idx(rs, k), "weight") > 0;
		fprintf(f, "tandem_ipvs_real_servers{service=\"");
		label(f, json_object_get_string(get(s, "service")));
		fprintf(f, "\"} %lld\n", up);
	}
}

static void ipvs_counters(FILE *f, json_object *c)
{
	static const struct { const char *name, *help, *key; } fams[] = {
		{ "tandem_ipvs_passes_total", "Reconcile passes completed", "passes" },
		{ "tandem_ipvs_ops_total", "Change requests sent to the kernel", "ops_sent" },
		{ "tandem_ipvs_ops_failed_total", "Change requests the kernel refused", "ops_failed" },
		{ "tandem_ipvs_two_primaries_total", "Times a database pool saw several primaries",
		  "two_primaries" },
	};

	if (!c)
		return;
	for (size_t k = 0; k < sizeof(fams) / sizeof(fams[0]); k++) {
		head(f, fams[k].name, "counter", fams[k].help);
		fprintf(f, "%s %lld\n", fams[k].name, num(c, fams[k].key));
	}
	head(f, "tandem_ipvs_last_pass_seconds", "gauge", "Duration of the last reconcile pass");
	fprintf(f, "tandem_ipvs_last_pass_seconds %.3f\n", (double)num(c, "last_pass_ms") / 1000.0);
}

static const struct {
	const char *key;
	void (*render)(FILE *f, json_object *arr);
} sections[] = {
	{ "vrrp", vrrp_metrics },
	{ "checkers", checker_metrics },
	{ "ipvs", ipvs_metrics },
	{ NULL, NULL }
};

void metrics_render(FILE *f, json_object *status)
{
	daemon_metrics(f, status);
	ipvs_counters(f, get(get(status, "counters"), "ipvs"));
	for (int s = 0; sections[s].key; s++) {
		json_object *arr = get(status, sections[s].key);

		if (arr && json_object_is_type(arr, json_type_array))
			sections[s].render(f, arr);
	}
}
