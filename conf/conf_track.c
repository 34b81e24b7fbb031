/* conf_track.c - what an instance watches and what it runs: the
 * track_interface / track_file / track lists (each entry a small group
 * walked with its own row table) and notify programs (argv lists, no shell).
 * Duplicates and the instance's own interface are conf_check's job. */
#include "conf/conf.h"

#include <stdlib.h>
#include <string.h>

#include "conf/conf_priv.h"

/* One kind of tracked item: how its entries look and where their common
 * fields (weight, pos) sit, so one loader serves all three lists. */
struct track_kind {
	const char *what;          /* the setting's name, in errors */
	const char *example;       /* shown when the list itself is malformed */
	const struct row *rows;
	size_t nrows;
	size_t size;               /* of one entry */
	size_t weight_off, pos_off;
	int weight_default;
};

static bool str_abs_path(const char *s)
{
	return s[0] == '/';
}

#define TIF(f) offsetof(struct conf_track_if, f), sizeof(((struct conf_track_if *)0)->f)
#define TFL(f) offsetof(struct conf_track_file, f), sizeof(((struct conf_track_file *)0)->f)
#define TRK(f) offsetof(struct conf_track, f), sizeof(((struct conf_track *)0)->f)

static const struct row track_if_rows[] = {
	{ "interface", K_STR, TIF(ifname), 1, IF_NAMESIZE - 1, true, NULL,
	  str_ifname_ok, "no spaces, '/' or ':'" },
	{ "weight", K_INT, TIF(weight), -CONF_WEIGHT_MAX, CONF_WEIGHT_MAX, false, NULL, NULL,
	  NULL },
};

static const struct row track_file_rows[] = {
	{ "path", K_STR, TFL(path), 1, CONF_PATH_MAX - 1, true, NULL,
	  str_abs_path, "must be an absolute path" },
	{ "weight", K_INT, TFL(weight), -CONF_WEIGHT_MAX, CONF_WEIGHT_MAX, false, NULL, NULL,
	  NULL },
};

static const struct row track_rows[] = {
	{ "name", K_STR, TRK(name), 1, CONF_NAME_MAX - 1, true, NULL,
	  str_name_ok, "use A-Z a-z 0-9 _ . -" },
	{ "weight", K_INT, TRK(weight), -CONF_WEIGHT_MAX, CONF_WEIGHT_MAX, false, NULL, NULL,
	  NULL },
};

/* Defaults: an interface or a named check that fails puts the instance in
 * FAULT unless a weight says otherwise; a file's value counts once. */
static const struct track_kind kind_if = {
	"track_interface", "( { interface = \"eth1\"; weight = -50; }, ... )",
	track_if_rows, NROWS(track_if_rows), sizeof(struct conf_track_if),
	offsetof(struct conf_track_if, weight), offsetof(struct conf_track_if, pos), 0,
};
static const struct track_kind kind_file = {
	"track_file", "( { path = \"/run/tandem/web.prio\"; weight = 1; }, ... )",
	track_file_rows, NROWS(track_file_rows), sizeof(struct conf_track_file),
	offsetof(struct conf_track_file, weight), offsetof(struct conf_track_file, pos), 1,
};
static const struct track_kind kind_track = {
	"track", "( { name = \"haproxy\"; weight = -60; }, ... )",
	track_rows, NROWS(track_rows), sizeof(struct conf_track),
	offsetof(struct conf_track, weight), offsetof(struct conf_track, pos), 0,
};

/* Allocates *arr (freed by the caller's conf_free even on error). An empty
 * list is allowed: it tracks nothing, as if the setting were absent. */
static int load_tracks(const struct ld *ld, const config_setting_t *s,
		       const struct track_kind *k, void **arr, size_t *n)
{
	int i, len = config_setting_length(s);
	char *items;

	if (!config_setting_is_list(s))
		return ld_err(ld, s, "%s must be a list %s", k->what, k->example);
	free(*arr);
	*arr = NULL;
	*n = 0;
	if (len == 0)
		return 0;
	items = calloc((size_t)len, k->size);
	if (!items)
		return ld_err(ld, s, "out of memory");
	*arr = items;
	*n = (size_t)len;
	for (i = 0; i < len; i++) {
		const config_setting_t *e = config_setting_get_elem(s, (unsigned)i);
		char *item = items + (size_t)i * k->size;

		if (!config_setting_is_group(e))
			return ld_err(ld, e, "%s entries must be groups %s", k->what, k->example);
		memcpy(item + k->weight_off, &k->weight_default, sizeof(int));
		set_pos((struct conf_pos *)(void *)(item + k->pos_off), ld, e);
		if (load_group(ld, e, k->rows, k->nrows, item, k->what) < 0)
			return -1;
	}
	return 0;
}

int set_track_if(const struct ld *ld, const struct row *r, const config_setting_t *s, void *obj)
{
	struct conf_vrrp *v = obj;
	void *arr = v->track_if;
	int rc = load_tracks(ld, s, &kind_if, &arr, &v->n_track_if);

	v->track_if = arr;
	return rc;
}

int set_track_file(const struct ld *ld, const struct row *r, const config_setting_t *s,
		   void *obj)
{
	struct conf_vrrp *v = obj;
	void *arr = v->track_file;
	int rc = load_tracks(ld, s, &kind_file, &arr, &v->n_track_file);

	v->track_file = arr;
	return rc;
}

int set_track(const struct ld *ld, const struct row *r, const config_setting_t *s, void *obj)
{
	struct conf_vrrp *v = obj;
	void *arr = v->track;
	int rc = load_tracks(ld, s, &kind_track, &arr, &v->n_track);

	v->track = arr;
	return rc;
}

/* ---- notify programs ---- */

static void argv_free(struct conf_argv *a)
{
	char **p;

	for (p = a->argv; p && *p; p++)
		free(*p);
	free(a->argv);
	a->argv = NULL;
	a->argc = 0;
}

void conf_notify_free(struct conf_notify *n)
{
	argv_free(&n->any);
	argv_free(&n->master);
	argv_free(&n->backup);
	argv_free(&n->fault);
	argv_free(&n->stop);
}

/* [ "/usr/local/bin/prog", "arg", ... ]: executed directly (no shell, so
 * no quoting surprises), hence argv[0] must be an absolute path. Whether it
 * exists is left to run time: the file is read, not the system. */
int set_argv(const struct ld *ld, const struct row *r, const config_setting_t *s, void *obj)
{
	struct conf_argv *a = (struct conf_argv *)(void *)((char *)obj + r->off);
	int i, n = config_setting_length(s);
	const char *arg0;

	if (!config_setting_is_array(s) && !config_setting_is_list(s))
		return ld_err(ld, s, "%s must be a list [ \"/path/to/program\", \"arg\", ... ]",
			      r->name);
	if (n < 1 || n > CONF_MAX_ARGV)
		return ld_err(ld, s, "%s has %d entries; 1..%d allowed", r->name, n,
			      CONF_MAX_ARGV);
	argv_free(a);
	a->argv = calloc((size_t)n + 1, sizeof(*a->argv));
	if (!a->argv)
		return ld_err(ld, s, "out of memory");
	set_pos(&a->pos, ld, s);
	for (i = 0; i < n; i++) {
		const config_setting_t *e = config_setting_get_elem(s, (unsigned)i);

		if (config_setting_type(e) != CONFIG_TYPE_STRING)
			return ld_err(ld, e, "%s entries must be strings", r->name);
		a->argv[i] = strdup(config_setting_get_string(e));
		if (!a->argv[i])
			return ld_err(ld, e, "out of memory");
		a->argc = (size_t)i + 1;
	}
	arg0 = a->argv[0];
	if (arg0[0] != '/')
		return ld_err(ld, config_setting_get_elem(s, 0),
			      "%s program '%s' must be an absolute path", r->name, arg0);
	return 0;
}
