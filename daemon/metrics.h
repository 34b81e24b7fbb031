/* metrics.h - Prometheus text exposition (format 0.0.4) of a status
 * snapshot (ctl_json_status): a pure function, so the names and labels are
 * unit-tested. doc/control-protocol.md lists every metric. */
#ifndef TANDEM_METRICS_H
#define TANDEM_METRICS_H

#include <stdio.h>

#include <json-c/json.h>

#define METRICS_CONTENT_TYPE "text/plain; version=0.0.4"

void metrics_render(FILE *f, json_object *status);

#endif
