/* conf_ipvs.c - the top-level "virtual_servers" section (issue 5).
 * Placeholder until that issue lands: the section is refused with a clear
 * error so nobody believes it is applied. */
#include "conf/conf_priv.h"

int conf_ipvs_load(const struct ld *ld, const config_setting_t *s, struct conf *c)
{
	return ld_err(ld, s, "virtual_servers: not supported yet (issue 5)");
}

int conf_ipvs_check(const struct conf *c, char *err, size_t errlen)
{
	return 0;
}

void conf_ipvs_free(struct conf *c)
{
	c->ipvs = NULL;
}
