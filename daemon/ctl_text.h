/* ctl_text.h - the control socket's JSON rendered for people: pure
 * functions from the JSON data of a reply to text. tandemctl uses them for
 * its default output and tandemd for requests in the plain-text form, so
 * both print the same words. */
#ifndef TANDEM_CTL_TEXT_H
#define TANDEM_CTL_TEXT_H

#include <stdio.h>

#include <json-c/json.h>

/* status / show data: every section present, in the order of the table in
 * ctl_text.c. A VRRP instance is one line that starts
 * "NAME vrid=51 iface=eth0 state=MASTER prio=150 master=A adv_ms=100"
 * (scripts and the integration tests read those key=value pairs). */
void ctl_text_data(FILE *f, json_object *data);
/* counters data: "rx_ok N", "rx_REASON N", "tx_adverts N", "tx_garp N" */
void ctl_text_counters(FILE *f, json_object *data);
/* One event as one line, with '\n'; malloc'd. */
char *ctl_text_event_line(json_object *ev);
/* "12.3s", "5m03s", "2h01m", "3d04h" */
void ctl_text_duration(char *buf, size_t len, long long ms);

#endif
