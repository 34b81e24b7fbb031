/* ctl_get.h - reading the control protocol's JSON: the small accessors the
 * text and metrics renderers share. A missing key reads as NULL, "-" or 0. */
#ifndef TANDEM_CTL_GET_H
#define TANDEM_CTL_GET_H

#include <json-c/json.h>

static inline json_object *get(json_object *o, const char *key)
{
	json_object *v = NULL;

	return o && json_object_object_get_ex(o, key, &v) ? v : NULL;
}

static inline const char *str(json_object *o, const char *key)
{
	json_object *v = get(o, key);

	return v && json_object_is_type(v, json_type_string) ? json_object_get_string(v) : "-";
}

static inline long long num(json_object *o, const char *key)
{
	return (long long)json_object_get_int64(get(o, key));
}

#endif
