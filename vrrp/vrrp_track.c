/* vrrp_track.c - tracked interfaces, files and named inputs (issue 3).
 * Each tracked thing exists once in the runtime however many instances
 * track it; an instance evaluates its own list against them. Changes come
 * from events (rtnetlink, inotify, checkers), never from polling. */
#include "vrrp/vrrp_inst.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <unistd.h>

#include "netlink/nl_ifinfo.h"

static struct vrrp_tlink *tlink_find(struct vrrp_rt *rt, const char *name)
{
	for (struct vrrp_tlink *t = rt->tlinks; t; t = t->next)
		if (strcmp(t->name, name) == 0)
			return t;
	return NULL;
}

static struct vrrp_tfile *tfile_find(struct vrrp_rt *rt, const char *path)
{
	for (struct vrrp_tfile *t = rt->tfiles; t; t = t->next)
		if (strcmp(t->path, path) == 0)
			return t;
	return NULL;
}

static struct vrrp_tname *tname_find(struct vrrp_rt *rt, const char *name)
{
	for (struct vrrp_tname *t = rt->tnames; t; t = t->next)
		if (strcmp(t->name, name) == 0)
			return t;
	return NULL;
}

/* A small local file: reading it on the loop is cheap. */
static void tfile_read(struct vrrp_tfile *t)
{
	char buf[64], *end;
	FILE *f = fopen(t->path, "re");
	size_t n;

	t->ok = false;
	if (!f)
		return;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	errno = 0;
	t->value = strtol(buf, &end, 10);
	while (*end == ' ' || *end == '\n' || *end == '\t' || *end == '\r')
		end++;
	t->ok = end != buf && *end == '\0' && errno == 0;
}

static void refresh_all(struct vrrp_rt *rt)
{
	for (struct vrrp_inst *in = rt->insts; in; in = in->next)
		vrrp_inst_refresh(in);
}

static void inotify_cb(struct loop *l, int fd, uint32_t events, void *arg)
{
	struct vrrp_rt *rt = arg;
	char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
	ssize_t n;
	bool changed = false;

	while ((n = read(fd, buf, sizeof(buf))) > 0)
		changed = true;
	if (!changed)
		return;
	/* which file does not matter: re-read them all, they are few */
	for (struct vrrp_tfile *t = rt->tfiles; t; t = t->next)
		tfile_read(t);
	refresh_all(rt);
}

static int tfile_watch(struct vrrp_rt *rt, struct vrrp_tfile *t, char *err, size_t errlen)
{
	char dir[CONF_PATH_MAX], *slash;

	if (rt->inotify_fd < 0) {
		rt->inotify_fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
		if (rt->inotify_fd < 0 ||
		    loop_add_fd(rt->loop, rt->inotify_fd, EPOLLIN, inotify_cb, rt) < 0) {
			snprintf(err, errlen, "inotify: %s", strerror(errno));
			return -1;
		}
	}
	/* watch the directory: scripts replace files with rename() */
	snprintf(dir, sizeof(dir), "%s", t->path);
	slash = strrchr(dir, '/');
	if (slash)
		*(slash == dir ? slash + 1 : slash) = '\0';
	t->wd = inotify_add_watch(rt->inotify_fd, dir,
				  IN_CLOSE_WRITE | IN_MOVED_TO | IN_MOVED_FROM |
				  IN_CREATE | IN_DELETE);
	if (t->wd < 0) {
		snprintf(err, errlen, "track_file %s: cannot watch %s: %s", t->path, dir,
			 strerror(errno));
		return -1;
	}
	return 0;
}

static int reg_link(struct vrrp_rt *rt, const char *name)
{
	struct vrrp_tlink *t = tlink_find(rt, name);
	struct nl_ifinfo info;
	char err[128];

	if (t)
		return 0;
	t = calloc(1, sizeof(*t));
	if (!t)
		return -1;
	snprintf(t->name, sizeof(t->name), "%s", name);
	/* a tracked interface that does not exist yet is down, not an error */
	if (nl_ifinfo_get(name, NULL, 0, &info, err, sizeof(err)) == 0) {
		t->ifindex = info.ifindex;
		t->running = info.running;
	}
	t->next = rt->tlinks;
	rt->tlinks = t;
	return 0;
}

static int reg_file(struct vrrp_rt *rt, const char *path, char *err, size_t errlen)
{
	struct vrrp_tfile *t = tfile_find(rt, path);

	if (t)
		return 0;
	t = calloc(1, sizeof(*t));
	if (!t)
		return -1;
	snprintf(t->path, sizeof(t->path), "%s", path);
	t->next = rt->tfiles;
	rt->tfiles = t;
	tfile_read(t);
	return tfile_watch(rt, t, err, errlen);
}

static int reg_name(struct vrrp_rt *rt, const char *name)
{
	struct vrrp_tname *t = tname_find(rt, name);

	if (t)
		return 0;
	t = calloc(1, sizeof(*t));
	if (!t)
		return -1;
	snprintf(t->name, sizeof(t->name), "%s", name);
	t->ok = true; /* healthy until a checker or an operator says otherwise */
	t->next = rt->tnames;
	rt->tnames = t;
	return 0;
}

int vrrp_track_register(struct vrrp_inst *in, char *err, size_t errlen)
{
	struct vrrp_rt *rt = in->rt;
	const struct conf_vrrp *c = &in->conf;

	for (size_t i = 0; i < c->n_track_if; i++)
		if (reg_link(rt, c->track_if[i].ifname) < 0)
			goto nomem;
	for (size_t i = 0; i < c->n_track_file; i++)
		if (reg_file(rt, c->track_file[i].path, err, errlen) < 0)
			return -1;
	for (size_t i = 0; i < c->n_track; i++)
		if (reg_name(rt, c->track[i].name) < 0)
			goto nomem;
	return 0;
nomem:
	snprintf(err, errlen, "out of memory");
	return -1;
}

/* One tracked item: failed with weight 0 -> fault; else weight added. */
static void apply(int weight, bool failed, long mult, int *delta, bool *fault)
{
	if (weight == 0) {
		*fault |= failed;
		return;
	}
	if (failed || mult != 1)
		*delta += (int)(weight * mult);
}

void vrrp_track_eval(const struct vrrp_inst *in, int *delta, bool *fault,
		     char *why, size_t whylen)
{
	struct vrrp_rt *rt = in->rt;
	const struct conf_vrrp *c = &in->conf;
	bool f0;

	*delta = 0;
	*fault = false;
	why[0] = '\0';
	for (size_t i = 0; i < c->n_track_if; i++) {
		const struct vrrp_tlink *t = tlink_find(rt, c->track_if[i].ifname);
		bool down = !t || !t->running;

		f0 = *fault;
		apply(c->track_if[i].weight, down, 1, delta, fault);
		if (*fault && !f0)
			snprintf(why, whylen, "tracked interface %s down", c->track_if[i].ifname);
	}
	for (size_t i = 0; i < c->n_track_file; i++) {
		const struct vrrp_tfile *t = tfile_find(rt, c->track_file[i].path);
		int w = c->track_file[i].weight;

		f0 = *fault;
		if (!t || !t->ok)
			*fault = true; /* unreadable: do not claim the VIPs on no data */
		else if (w == 0)
			*fault |= t->value != 0;
		else
			*delta += (int)(t->value * w);
		if (*fault && !f0)
			snprintf(why, whylen, "track file %s", c->track_file[i].path);
	}
	for (size_t i = 0; i < c->n_track; i++) {
		const struct vrrp_tname *t = tname_find(rt, c->track[i].name);

		f0 = *fault;
		apply(c->track[i].weight, t && !t->ok, 1, delta, fault);
		if (*fault && !f0)
			snprintf(why, whylen, "track %s failed", c->track[i].name);
	}
}

void vrrp_track_link(struct vrrp_rt *rt, int ifindex, const char *name, bool running)
{
	bool changed = false;

	for (struct vrrp_tlink *t = rt->tlinks; t; t = t->next) {
		/* by index, or by name when the interface was (re)created */
		if (t->ifindex != ifindex && !(name[0] && strcmp(t->name, name) == 0))
			continue;
		if (name[0] && strcmp(t->name, name) == 0)
			t->ifindex = ifindex;
		if (t->running != running) {
			t->running = running;
			log_notice("track: interface %s %s", t->name, running ? "up" : "down");
			changed = true;
		}
	}
	if (changed)
		refresh_all(rt);
}

int vrrp_track_set(struct vrrp_rt *rt, const char *name, bool ok)
{
	struct vrrp_tname *t = tname_find(rt, name);

	if (!t)
		return -1;
	if (t->ok != ok) {
		t->ok = ok;
		log_notice("track: %s %s", name, ok ? "ok" : "failed");
		refresh_all(rt);
	}
	return 0;
}

void vrrp_track_free(struct vrrp_rt *rt)
{
	while (rt->tlinks) {
		struct vrrp_tlink *t = rt->tlinks;
		rt->tlinks = t->next;
		free(t);
	}
	while (rt->tfiles) {
		struct vrrp_tfile *t = rt->tfiles;
		rt->tfiles = t->next;
		free(t);
	}
	while (rt->tnames) {
		struct vrrp_tname *t = rt->tnames;
		rt->tnames = t->next;
		free(t);
	}
	if (rt->inotify_fd >= 0) {
		loop_del_fd(rt->loop, rt->inotify_fd);
		close(rt->inotify_fd);
		rt->inotify_fd = -1;
	}
}
