/* conf_checkers.c - the top-level "checkers" section (issue 6).
 * Placeholder until that issue lands: the section is refused with a clear
 * error so nobody believes it is applied. */
#include "conf/conf_checkers.h"
#include "conf/conf_priv.h"

int conf_checkers_load(const struct ld *ld, const config_setting_t *s, struct conf *c)
{
	return ld_err(ld, s, "checkers: not supported yet (issue 6)");
}

int conf_checkers_check(const struct conf *c, char *err, size_t errlen)
{
	return 0;
}

void conf_checkers_free(struct conf *c)
{
	c->checkers = NULL;
}

const struct conf_checker *conf_checkers_find(const struct conf *c, const char *name)
{
	return NULL;
}
