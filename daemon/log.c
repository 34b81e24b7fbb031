/* log.c - a small logging vocabulary after OpenBSD's log.c.
 *
 * stderr lines are "YYYY-MM-DD HH:MM:SS.mmm LEVEL message" in wall-clock
 * time with milliseconds: the failover demo reads timings from them. */
#include "daemon/log.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define LOG_LINE_MAX 2048

static int log_level = LOG_INFO;
static bool log_stderr = true;
static bool log_syslog;

void log_init(const char *ident, int level, bool to_stderr, bool to_syslog)
{
	if (log_syslog)
		closelog();
	log_level = level;
	log_stderr = to_stderr;
	log_syslog = to_syslog;
	if (to_syslog)
		openlog(ident, LOG_PID | LOG_NDELAY, LOG_DAEMON);
	tzset(); /* localtime_r() does not promise to read TZ itself */
}

void log_set_level(int level)
{
	log_level = level;
}

int log_get_level(void)
{
	return log_level;
}

static const char *log_pri_name(int pri)
{
	static const char *const names[] = {
		[LOG_EMERG] = "emerg", [LOG_ALERT] = "alert",
		[LOG_CRIT] = "crit",   [LOG_ERR] = "err",
		[LOG_WARNING] = "warning", [LOG_NOTICE] = "notice",
		[LOG_INFO] = "info",   [LOG_DEBUG] = "debug",
	};

	if (pri < 0 || pri > LOG_DEBUG)
		return "debug";
	return names[pri];
}

static void log_emit(int pri, const char *msg)
{
	if (log_stderr) {
		struct timespec ts;
		struct tm tm;
		char stamp[32];

		clock_gettime(CLOCK_REALTIME, &ts);
		localtime_r(&ts.tv_sec, &tm);
		strftime(stamp, sizeof(stamp), "%Y-%m-%d %H:%M:%S", &tm);
		/* One fprintf per line so concurrent writers do not interleave. */
		fprintf(stderr, "%s.%03ld %s %s\n", stamp, ts.tv_nsec / 1000000L,
			log_pri_name(pri), msg);
	}
	if (log_syslog)
		syslog(pri, "%s", msg);
}

/* err_no >= 0 appends ": strerror(err_no)". fmt may be NULL (strerror only). */
static void __attribute__((format(printf, 3, 0)))
log_vemit(int pri, int err_no, const char *fmt, va_list ap)
{
	char buf[LOG_LINE_MAX];
	int len = 0;

	buf[0] = '\0';
	if (fmt != NULL) {
		len = vsnprintf(buf, sizeof(buf), fmt, ap);
		if (len < 0)
			len = 0;
		else if ((size_t)len >= sizeof(buf))
			len = sizeof(buf) - 1;
	}
	if (err_no >= 0)
		snprintf(buf + len, sizeof(buf) - (size_t)len, "%s%s",
			 fmt != NULL ? ": " : "", strerror(err_no));
	log_emit(pri, buf);
}

void log_msg(int pri, const char *fmt, ...)
{
	va_list ap;

	if (pri > log_level)
		return;
	va_start(ap, fmt);
	log_vemit(pri, -1, fmt, ap);
	va_end(ap);
}

/* The level check comes first so dropped messages cost no formatting. */
#define LOG_DEFINE(name, pri, with_errno)                        \
	void name(const char *fmt, ...)                          \
	{                                                        \
		int saved = errno;                               \
		va_list ap;                                      \
		if ((pri) > log_level)                           \
			return;                                  \
		va_start(ap, fmt);                               \
		log_vemit((pri), (with_errno) ? saved : -1, fmt, ap); \
		va_end(ap);                                      \
		errno = saved;                                   \
	}

LOG_DEFINE(log_debug, LOG_DEBUG, 0)
LOG_DEFINE(log_info, LOG_INFO, 0)
LOG_DEFINE(log_notice, LOG_NOTICE, 0)
LOG_DEFINE(log_warnx, LOG_WARNING, 0)
LOG_DEFINE(log_warn, LOG_WARNING, 1)
LOG_DEFINE(log_errx, LOG_ERR, 0)

void fatal(const char *fmt, ...)
{
	int saved = errno;
	va_list ap;

	va_start(ap, fmt);
	log_vemit(LOG_CRIT, saved, fmt, ap);
	va_end(ap);
	exit(1);
}

void fatalx(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vemit(LOG_CRIT, -1, fmt, ap);
	va_end(ap);
	exit(1);
}
