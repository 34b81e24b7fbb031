/* vrrp_accept.c - accept_mode (RFC 5798 §6.4.3): "MUST accept packets
 * addressed to the IPvX address(es) associated with the virtual router if
 * it is the IPvX address owner or if Accept_Mode is True. Otherwise, MUST
 * NOT accept these packets."
 *
 * Linux delivers locally whatever address sits on an interface, so a VIP
 * of an accept_mode=false instance is listed in an nftables set and an
 * input-hook rule drops what is addressed to it. ARP is not IP, and IPv6
 * neighbour discovery to the VIP is let through (the master must answer
 * for it, §8.2). The set is static: a backup has no VIP, so the rule only
 * ever matches on the master. The table is replaced atomically on start
 * and reload and deleted on exit. libnftables does the talking to the
 * kernel: a short local netlink round trip, at start and reload only.
 *
 * The same transaction carries the virtual MAC rules (RFC 5798 §7.3): a
 * Backup's IGMP / MLD reports for 224.0.0.18 / ff02::12 would leave its
 * macvlan from the VMAC, and the switch would send the VIP's traffic to
 * the Backup until the Master's next advert (measured: 4-9 pings at 10 ms
 * lost when a Backup starts, and again on every querier's query). They
 * are duplicated out of the parent (its own MAC: snooping switches still
 * see the port as a member) and dropped on the macvlan, as keepalived
 * does. `dup` is refused in an inet table: one table per family. */
#include "vrrp/vrrp_accept.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include <errno.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netlink.h>
#include <sys/time.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <libmnl/libmnl.h>
#include <nftables/libnftables.h>

#include "daemon/dl.h"

#define TABLE "inet tandem"
#define VMAC4 "ip tandem_vmac"
#define VMAC6 "ip6 tandem_vmac"
/* "add" first so that "delete" never fails: the pairs empty any table a
 * crashed run left, in the same transaction */
#define DELETE_ONLY "add table " TABLE "\ndelete table " TABLE "\n" \
	"add table " VMAC4 "\ndelete table " VMAC4 "\n" \
	"add table " VMAC6 "\ndelete table " VMAC6 "\n"

struct sbuf {
	char *p;
	size_t len, cap;
	bool overflow;
};

static void put(struct sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void put(struct sbuf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (b->overflow)
		return;
	va_start(ap, fmt);
	n = vsnprintf(b->p + b->len, b->cap - b->len, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= b->cap - b->len)
		b->overflow = true;
	else
		b->len += (size_t)n;
}

static bool noaccept(const struct conf_vrrp *v)
{
	return !v->accept && v->priority != 255;
}

/* "elements = { a, b }" for one family; returns how many. */
static size_t put_elements(struct sbuf *b, const struct conf *c, int family)
{
	char a[ADDR_STRLEN];
	size_t n = 0;

	for (size_t i = 0; i < c->n_vrrp; i++) {
		if (!noaccept(&c->vrrp[i]) || c->vrrp[i].family != family)
			continue;
		for (size_t k = 0; k < c->vrrp[i].n_vips; k++)
			put(b, "%s%s", n++ ? ", " : " elements = { ",
			    addr_fmt(&c->vrrp[i].vips[k].addr, a, sizeof(a)));
	}
	if (n)
		put(b, " }");
	return n;
}

static size_t count_noaccept(const struct conf *c)
{
	size_t n = 0;

	for (size_t i = 0; i < c->n_vrrp; i++)
		n += noaccept(&c->vrrp[i]) ? c->vrrp[i].n_vips : 0;
	return n;
}

static void put_accept_table(struct sbuf *b, const struct conf *c)
{
	put(b, "table " TABLE " {\n\tset noaccept4 { type ipv4_addr;");
	put_elements(b, c, AF_INET);
	put(b, " }\n\tset noaccept6 { type ipv6_addr;");
	put_elements(b, c, AF_INET6);
	put(b, " }\n");
	put(b, "\tchain input {\n\t\ttype filter hook input priority filter - 10; policy accept;\n"
	       "\t\tip6 daddr @noaccept6 icmpv6 type { nd-neighbor-solicit, nd-neighbor-advert } accept\n"
	       "\t\tip daddr @noaccept4 counter drop\n"
	       "\t\tip6 daddr @noaccept6 counter drop\n\t}\n}\n");
}

/* One table for the VMACs of one family; returns how many rules. */
static size_t put_vmac_table(struct sbuf *b, const struct conf *c, int family)
{
	size_t n = 0;

	for (size_t i = 0; i < c->n_vrrp; i++) {
		const struct conf_vrrp *v = &c->vrrp[i];

		if (!v->use_vmac || v->family != family)
			continue;
		if (!n++)
			put(b, "table %s {\n\tchain out {\n\t\ttype filter hook output priority "
			       "filter - 1; policy accept;\n", family == AF_INET ? VMAC4 : VMAC6);
		if (family == AF_INET)
			put(b, "\t\toifname \"%s\" ip protocol igmp dup to ip daddr device \"%s\" "
			       "drop\n", v->vmac_ifname, v->ifname);
		else
			put(b, "\t\toifname \"%s\" icmpv6 type { mld-listener-report, "
			       "mld2-listener-report, mld-listener-done } dup to ip6 daddr device "
			       "\"%s\" drop\n", v->vmac_ifname, v->ifname);
	}
	if (n)
		put(b, "\t}\n}\n");
	return n;
}

size_t vrrp_accept_script(const struct conf *c, char *buf, size_t len)
{
	struct sbuf b = { buf, 0, len, len == 0 };

	put(&b, DELETE_ONLY);
	if (count_noaccept(c))
		put_accept_table(&b, c);
	put_vmac_table(&b, c, AF_INET);
	put_vmac_table(&b, c, AF_INET6);
	return b.overflow ? 0 : b.len;
}

/* libnftables and its dependencies (libnftnl, libxtables, gmp, jansson:
 * ~1.3 MB resident) are loaded only while some instance needs the table
 * (daemon/dl.h). */
#define NFT_SYMS(X) \
	X(nft_ctx_new) X(nft_ctx_free) X(nft_ctx_buffer_error) \
	X(nft_ctx_get_error_buffer) X(nft_run_cmd_from_buffer)
#define NFT_DEF(fn) static DL_SYM_PTR(fn);
NFT_SYMS(NFT_DEF)
DL_LIB_DEFINE(nft_lib, "libnftables.so.1", NFT_SYMS);

static int run(const char *script, char *err, size_t errlen)
{
	struct nft_ctx *nft;
	int rc;

	if (dl_load(&nft_lib, err, errlen) < 0)
		return -1;
	nft = sym_nft_ctx_new(NFT_CTX_DEFAULT);
	if (!nft) {
		snprintf(err, errlen, "nftables: cannot create a context");
		return -1;
	}
	sym_nft_ctx_buffer_error(nft);
	rc = sym_nft_run_cmd_from_buffer(nft, script);
	if (rc != 0) {
		const char *e = sym_nft_ctx_get_error_buffer(nft);
		size_t n;

		snprintf(err, errlen, "nftables: %s", e && *e ? e : "failed");
		n = strlen(err);
		while (n && err[n - 1] == '\n')
			err[--n] = '\0';
	}
	sym_nft_ctx_free(nft);
	return rc ? -1 : 0;
}

size_t vrrp_accept_gettable_msg(void *buf, size_t len, uint32_t seq, uint8_t family,
				const char *name)
{
	struct nlmsghdr *nlh;
	struct nfgenmsg *nfg;
	size_t n = strlen(name) + 1;

	if (len < MNL_NLMSG_HDRLEN + MNL_ALIGN(sizeof(*nfg)) + MNL_ATTR_HDRLEN + MNL_ALIGN(n))
		return 0;
	memset(buf, 0, len);
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = (NFNL_SUBSYS_NFTABLES << 8) | NFT_MSG_GETTABLE;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	nlh->nlmsg_seq = seq;
	nfg = mnl_nlmsg_put_extra_header(nlh, sizeof(*nfg));
	nfg->nfgen_family = family;
	nfg->version = NFNETLINK_V0;
	mnl_attr_put_strz(nlh, NFTA_TABLE_NAME, name);
	return nlh->nlmsg_len;
}

/* Does the table exist? Asked over raw nfnetlink, so that a daemon
 * without accept_mode = false or VMACs never loads libnftables. Any
 * failure (no nf_tables, no answer in 1 s) = no. */
static bool table_exists(int fd, uint8_t family, const char *name)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	size_t len = vrrp_accept_gettable_msg(buf, sizeof(buf), 1, family, name);
	ssize_t n;

	if (send(fd, buf, len, 0) != (ssize_t)len || (n = recv(fd, buf, sizeof(buf), 0)) <= 0)
		return false;
	/* the table itself comes first (then the ack); or an error */
	return mnl_nlmsg_ok((const struct nlmsghdr *)buf, (int)n) &&
	       ((const struct nlmsghdr *)buf)->nlmsg_type != NLMSG_ERROR;
}

/* Could the kernel hold a table at all? Asking nfnetlink about nf_tables
 * makes the kernel load the module (0.7-0.9 s measured in the test VM) on
 * every start of a daemon that never uses it: no module loaded and none
 * built in means no table. Unreadable lists mean "maybe". */
static bool nf_tables_present(void)
{
	struct utsname u;
	char path[320], line[256];
	bool builtin = false;
	FILE *f;

	if (access("/sys/module/nf_tables", F_OK) == 0 || uname(&u) < 0)
		return true;
	snprintf(path, sizeof(path), "/lib/modules/%s/modules.builtin", u.release);
	f = fopen(path, "re");
	if (!f)
		return true;
	while (!builtin && fgets(line, sizeof(line), f))
		builtin = strstr(line, "/nf_tables.ko") != NULL;
	fclose(f);
	return builtin;
}

/* Did a run that crashed leave any of our tables? */
static bool leftovers(void)
{
	struct timeval tv = { .tv_sec = 1 };
	int fd;
	bool found;

	if (!nf_tables_present())
		return false;
	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_NETFILTER);
	if (fd < 0)
		return false;
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	found = table_exists(fd, NFPROTO_INET, "tandem") ||
		table_exists(fd, NFPROTO_IPV4, "tandem_vmac") ||
		table_exists(fd, NFPROTO_IPV6, "tandem_vmac");
	close(fd);
	return found;
}

static bool installed; /* our table is in the kernel */

static void drop_table(void)
{
	char err[256];

	run(DELETE_ONLY, err, sizeof(err));
	installed = false;
	dl_unload(&nft_lib);
}

int vrrp_accept_apply(const struct conf *c, char *err, size_t errlen)
{
	static char script[65536];

	size_t n = vrrp_accept_script(c, script, sizeof(script));

	if (!n) {
		snprintf(err, errlen, "accept_mode: too many VIPs for the nftables script");
		return -1;
	}
	/* Nothing to drop: only tidying up after a crashed run, which must not
	 * stop a daemon on a kernel without nf_tables. */
	if (n == strlen(DELETE_ONLY)) {
		if (installed || leftovers())
			drop_table();
		err[0] = '\0';
		return 0;
	}
	if (run(script, err, errlen) < 0)
		return -1;
	installed = true;
	return 0;
}

void vrrp_accept_remove(void)
{
	if (installed)
		drop_table();
}
