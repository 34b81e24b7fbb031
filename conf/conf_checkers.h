/* conf_checkers.h - the "checkers" section (issue 6). Placeholder API:
 * the checkers issue replaces this file, keeping conf_checkers_find(). */
#ifndef TANDEM_CONF_CHECKERS_H
#define TANDEM_CONF_CHECKERS_H

#include "conf/conf.h"

struct conf_checker;

/* The checker called name, or NULL. Virtual servers refer to checkers by
 * name (issue 5), tracked inputs too (issue 3's `track`). */
const struct conf_checker *conf_checkers_find(const struct conf *c, const char *name);

#endif
