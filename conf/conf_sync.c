/* conf_sync.c - the vrrp_sync_groups list: instances that change state
 * together (keepalived's vrrp_sync_group), e.g. the web and db VIPs of one
 * balancer. Only names are read here; that they name defined instances, each
 * in one group, is conf_check's job (the instances may come later in the file). */
#include "conf/conf.h"

#include <stdlib.h>
#include <string.h>

#include "conf/conf_priv.h"

/* group = [ "web", "db" ]: names with their lines, for conf_check's errors. */
static int set_members(const struct ld *ld, const struct row *r, const config_setting_t *s,
		       void *obj)
{
	struct conf_sync_group *g = obj;
	int i, n = config_setting_length(s);

	if (!config_setting_is_array(s) && !config_setting_is_list(s))
		return ld_err(ld, s, "%s must be a list of vrrp instance names [ \"web\", \"db\" ]",
			      r->name);
	if (n < CONF_SYNC_MIN || n > CONF_SYNC_MAX)
		return ld_err(ld, s, "%s has %d entries; %d..%d allowed", r->name, n,
			      CONF_SYNC_MIN, CONF_SYNC_MAX);
	free(g->members);
	free(g->member_pos);
	g->n_members = 0;
	g->members = calloc((size_t)n, sizeof(*g->members));
	g->member_pos = calloc((size_t)n, sizeof(*g->member_pos));
	if (!g->members || !g->member_pos)
		return ld_err(ld, s, "out of memory");
	g->n_members = (size_t)n;
	for (i = 0; i < n; i++) {
		const config_setting_t *e = config_setting_get_elem(s, (unsigned)i);
		const char *name;

		if (config_setting_type(e) != CONFIG_TYPE_STRING)
			return ld_err(ld, e, "%s entries must be strings", r->name);
		name = config_setting_get_string(e);
		/* longer or odd names cannot be instances; say so now, untruncated */
		if (!name[0] || strlen(name) >= CONF_NAME_MAX || !str_name_ok(name))
			return ld_err(ld, e, "%s entry '%s' is not a vrrp instance name", r->name,
				      name);
		copy_str(g->members[i], CONF_NAME_MAX, name);
		set_pos(&g->member_pos[i], ld, e);
	}
	return 0;
}

#define SF(f) offsetof(struct conf_sync_group, f), sizeof(((struct conf_sync_group *)0)->f)

static const struct row sync_rows[] = {
	{ "name", K_STR, SF(name), 1, CONF_NAME_MAX - 1, true, NULL,
	  str_name_ok, "use A-Z a-z 0-9 _ . -" },
	{ "group", K_FN, SF(members), 0, 0, true, set_members, NULL, NULL },
	NOTIFY_ROWS(SF),
};

int load_sync_list(const struct ld *ld, const config_setting_t *s, struct conf *c)
{
	int i, n = config_setting_length(s);

	if (!config_setting_is_list(s))
		return ld_err(ld, s, "vrrp_sync_groups must be a list ( { ... }, ... )");
	if (n == 0)
		return 0;
	c->sync = calloc((size_t)n, sizeof(*c->sync));
	if (!c->sync)
		return ld_err(ld, s, "out of memory");
	c->n_sync = (size_t)n;
	for (i = 0; i < n; i++) {
		const config_setting_t *e = config_setting_get_elem(s, (unsigned)i);

		if (!config_setting_is_group(e))
			return ld_err(ld, e, "sync group must be a group { ... }");
		set_pos(&c->sync[i].pos, ld, e);
		if (load_group(ld, e, sync_rows, NROWS(sync_rows), &c->sync[i], "sync group") < 0)
			return -1;
	}
	return 0;
}

void conf_sync_free(struct conf_sync_group *g)
{
	free(g->members);
	free(g->member_pos);
	conf_notify_free(&g->notify);
	g->members = NULL;
	g->member_pos = NULL;
	g->n_members = 0;
}
