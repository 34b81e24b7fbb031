/* test_ctl_render.c - the control socket's renderers as pure functions:
 * Prometheus exposition (daemon/metrics.c) and text (daemon/ctl_text.c)
 * from a fixed status snapshot, compared line by line. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daemon/ctl_text.h"
#include "daemon/metrics.h"

/* Two instances; the second one's name needs escaping in a label. */
static const char snapshot[] =
	"{\"daemon\":{\"version\":\"0.1.0\",\"router_id\":\"lb1\",\"pid\":42,\"uptime_ms\":61000,"
	"\"maintenance\":true,\"stopping\":false,\"events_sent\":3},"
	"\"vrrp\":["
	"{\"name\":\"web\",\"vrid\":51,\"interface\":\"eth0\",\"state\":\"MASTER\",\"priority\":150,"
	"\"base_priority\":150,\"in_state_ms\":12345,\"transitions\":2,\"maintenance\":false,"
	"\"fault_reason\":\"\",\"sync_group\":\"g\","
	"\"master\":{\"address\":\"192.0.2.1\",\"priority\":150,\"self\":true,\"advert_interval_ms\":100},"
	"\"vips\":[{\"address\":\"192.0.2.10/24\",\"present\":true},"
	"{\"address\":\"192.0.2.11/24\",\"present\":true}],"
	"\"unicast_peers\":[],"
	"\"counters\":{\"adverts_received\":7,\"adverts_sent\":99,"
	"\"drops\":{\"bad_ttl\":3,\"bad_checksum\":0}},\"last_handoff_ms\":12},"
	"{\"name\":\"d\\\"b\",\"vrid\":52,\"interface\":\"eth1\",\"state\":\"FAULT\",\"priority\":90,"
	"\"base_priority\":100,\"in_state_ms\":500,\"transitions\":1,\"maintenance\":true,"
	"\"fault_reason\":\"eth1 link down\",\"sync_group\":null,"
	"\"master\":{\"address\":null,\"priority\":0,\"self\":false,\"advert_interval_ms\":1000},"
	"\"vips\":[{\"address\":\"2001:db8::10/64\",\"present\":false}],"
	"\"unicast_peers\":[\"192.0.2.2\"],"
	"\"counters\":{\"adverts_received\":0,\"adverts_sent\":0,\"drops\":{\"bad_ttl\":0,\"bad_checksum\":1}}}],"
	"\"sync\":[{\"name\":\"g\",\"state\":\"MIXED\",\"members\":[{\"name\":\"web\",\"state\":\"MASTER\"},"
	"{\"name\":\"x\",\"state\":\"BACKUP\"}]}],"
	"\"counters\":{\"rx\":{\"ok\":7,\"bad_ttl\":3},\"tx_adverts\":99,\"tx_garp\":5}}";

static char *render(void (*fn)(FILE *, json_object *), const char *json)
{
	json_object *o = json_tokener_parse(json);
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(o);
	assert_non_null(f);
	fn(f, o);
	assert_int_equal(fclose(f), 0);
	json_object_put(o);
	return buf;
}

static void has_line(const char *text, const char *line)
{
	const char *p = text;
	size_t n = strlen(line);

	for (; (p = strstr(p, line)); p++)
		if ((p == text || p[-1] == '\n') && (p[n] == '\n' || p[n] == '\0'))
			return;
	fail_msg("missing line '%s' in:\n%s", line, text);
}

static void test_metrics_lines(void **state)
{
	char *m = render(metrics_render, snapshot);

	has_line(m, "# TYPE tandem_vrrp_state gauge");
	has_line(m, "tandem_vrrp_state{instance=\"web\",vrid=\"51\",interface=\"eth0\",state=\"MASTER\"} 1");
	has_line(m, "tandem_vrrp_state{instance=\"web\",vrid=\"51\",interface=\"eth0\",state=\"BACKUP\"} 0");
	has_line(m, "tandem_vrrp_state{instance=\"d\\\"b\",vrid=\"52\",interface=\"eth1\",state=\"FAULT\"} 1");
	has_line(m, "tandem_vrrp_priority{instance=\"d\\\"b\",vrid=\"52\",interface=\"eth1\"} 90");
	has_line(m, "tandem_vrrp_base_priority{instance=\"d\\\"b\",vrid=\"52\",interface=\"eth1\"} 100");
	has_line(m, "# TYPE tandem_vrrp_transitions_total counter");
	has_line(m, "tandem_vrrp_transitions_total{instance=\"web\",vrid=\"51\",interface=\"eth0\"} 2");
	has_line(m, "tandem_vrrp_adverts_sent_total{instance=\"web\",vrid=\"51\",interface=\"eth0\"} 99");
	has_line(m, "tandem_vrrp_adverts_received_total{instance=\"web\",vrid=\"51\",interface=\"eth0\"} 7");
	has_line(m, "tandem_vrrp_rx_dropped_total{instance=\"web\",vrid=\"51\",interface=\"eth0\",reason=\"bad_ttl\"} 3");
	has_line(m, "tandem_vrrp_rx_dropped_total{instance=\"d\\\"b\",vrid=\"52\",interface=\"eth1\",reason=\"bad_checksum\"} 1");
	has_line(m, "tandem_vrrp_state_seconds{instance=\"web\",vrid=\"51\",interface=\"eth0\"} 12.345");
	has_line(m, "tandem_vrrp_last_handoff_seconds{instance=\"web\",vrid=\"51\",interface=\"eth0\"} 0.012");
	has_line(m, "tandem_maintenance 1");
	has_line(m, "tandem_rx_packets_total{result=\"ok\"} 7");
	has_line(m, "tandem_tx_adverts_total 99");
	/* only the instance that has one */
	assert_null(strstr(m, "tandem_vrrp_last_handoff_seconds{instance=\"d"));
	free(m);
}

/* Exposition format 0.0.4: each family once, HELP and TYPE before its
 * samples, every sample line "name{labels} value" or "name value". */
static void test_metrics_wellformed(void **state)
{
	char *m = render(metrics_render, snapshot), *save = NULL;
	char typed[64][80];
	size_t n_typed = 0;

	for (char *l = strtok_r(m, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		char name[80];

		if (strncmp(l, "# HELP ", 7) == 0)
			continue;
		if (sscanf(l, "# TYPE %79s", name) == 1) {
			for (size_t i = 0; i < n_typed; i++)
				if (strcmp(typed[i], name) == 0)
					fail_msg("family %s typed twice", name);
			assert_true(n_typed < 64);
			strcpy(typed[n_typed++], name);
			continue;
		}
		assert_true(l[0] != '#');
		assert_true(n_typed > 0);
		/* the sample belongs to the last family typed */
		if (strncmp(l, typed[n_typed - 1], strlen(typed[n_typed - 1])) != 0)
			fail_msg("sample '%s' outside its family %s", l, typed[n_typed - 1]);
		assert_non_null(strrchr(l, ' '));
	}
	free(m);
}

static void test_text_status(void **state)
{
	char *t = render(ctl_text_data, snapshot);

	/* the first seven fields are what scripts and tests read */
	has_line(t, "web vrid=51 iface=eth0 state=MASTER prio=150 master=192.0.2.1 adv_ms=100"
		    " base_prio=150 master_prio=150 since=12.3s vips=192.0.2.10/24,192.0.2.11/24 sync=g");
	has_line(t, "d\"b vrid=52 iface=eth1 state=FAULT prio=90 master=- adv_ms=1000"
		    " base_prio=100 master_prio=0 since=0.5s vips=2001:db8::10/64(absent)"
		    " maintenance=on fault=\"eth1 link down\"");
	has_line(t, "sync-group g state=MIXED members=web:MASTER,x:BACKUP");
	has_line(t, "# tandemd 0.1.0 router lb1 pid 42 up 1m01s MAINTENANCE");
	free(t);
}

static void test_text_counters(void **state)
{
	char *t = render(ctl_text_counters,
			 "{\"rx\":{\"ok\":7,\"bad_ttl\":3},\"tx_adverts\":99,\"tx_garp\":5}");

	assert_string_equal(t, "rx_ok 7\nrx_bad_ttl 3\ntx_adverts 99\ntx_garp 5\n");
	free(t);
}

static void test_event_line(void **state)
{
	json_object *e = json_tokener_parse(
		"{\"type\":\"vrrp\",\"instance\":\"web\",\"from\":\"BACKUP\",\"to\":\"MASTER\","
		"\"reason\":\"master down timer expired\",\"priority\":100,\"master\":\"192.0.2.2\","
		"\"seq\":4,\"time\":\"2024-05-01T10:00:00.123Z\"}");
	json_object *o = json_tokener_parse(
		"{\"type\":\"daemon\",\"what\":\"reload\",\"ok\":false,\"seq\":5,\"time\":\"T\"}");
	char *s = ctl_text_event_line(e), *s2 = ctl_text_event_line(o);

	assert_string_equal(s, "2024-05-01T10:00:00.123Z #4 vrrp web BACKUP -> MASTER "
			       "(master down timer expired) prio=100 master=192.0.2.2\n");
	assert_string_equal(s2, "T #5 daemon what=reload ok=false\n");
	free(s);
	free(s2);
	json_object_put(e);
	json_object_put(o);
}

static void test_duration(void **state)
{
	static const struct { long long ms; const char *s; } t[] = {
		{ 0, "0.0s" }, { 12345, "12.3s" }, { 59999, "59.9s" }, { 60000, "1m00s" },
		{ 3599000, "59m59s" }, { 3600000, "1h00m" }, { 90061000, "1d01h" }, { -1, "-" },
	};
	char buf[32];

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		ctl_text_duration(buf, sizeof(buf), t[i].ms);
		assert_string_equal(buf, t[i].s);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_metrics_lines),
		cmocka_unit_test(test_metrics_wellformed),
		cmocka_unit_test(test_text_status),
		cmocka_unit_test(test_text_counters),
		cmocka_unit_test(test_event_line),
		cmocka_unit_test(test_duration),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
