/* tandemctl.c - command line client of tandemd's control socket. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#define DEFAULT_SOCKET "/run/tandem/tandemd.sock"

static void usage(FILE *f)
{
	fprintf(f, "usage: tandemctl [-s SOCKET] COMMAND\n"
		   "commands:\n"
		   "  status     one line per VRRP instance\n"
		   "  counters   received/dropped/sent packet counters\n"
		   "  reload     re-read the configuration (refused whole if invalid)\n");
}

static int connect_to(const char *path)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	int fd;

	if (strlen(path) >= sizeof(sun.sun_path)) {
		fprintf(stderr, "tandemctl: socket path too long\n");
		return -1;
	}
	memcpy(sun.sun_path, path, strlen(path) + 1);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sun, sizeof(sun)) < 0) {
		fprintf(stderr, "tandemctl: %s: %s (is tandemd running?)\n", path,
			strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

/* Prints the reply; returns 1 if it was an error reply. */
static int relay(int fd)
{
	char buf[4096];
	ssize_t n;
	int first = 1, failed = 0;

	while ((n = read(fd, buf, sizeof(buf))) > 0) {
		if (first && n >= 6 && memcmp(buf, "error:", 6) == 0)
			failed = 1;
		first = 0;
		fwrite(buf, 1, (size_t)n, failed ? stderr : stdout);
	}
	return failed;
}

int main(int argc, char **argv)
{
	const char *path = getenv("TANDEM_SOCKET");
	char line[1024] = "";
	int c, fd, rc;

	if (!path)
		path = DEFAULT_SOCKET;
	while ((c = getopt(argc, argv, "s:h")) != -1) {
		switch (c) {
		case 's': path = optarg; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind >= argc) {
		usage(stderr);
		return 2;
	}
	for (int i = optind; i < argc; i++) {
		strncat(line, argv[i], sizeof(line) - strlen(line) - 2);
		strncat(line, i + 1 < argc ? " " : "\n", sizeof(line) - strlen(line) - 1);
	}
	fd = connect_to(path);
	if (fd < 0)
		return 2;
	if (write(fd, line, strlen(line)) < 0) {
		fprintf(stderr, "tandemctl: write: %s\n", strerror(errno));
		close(fd);
		return 2;
	}
	shutdown(fd, SHUT_WR);
	rc = relay(fd);
	close(fd);
	return rc;
}
