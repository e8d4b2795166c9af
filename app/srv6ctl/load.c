// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The srv6d authors

// srv6ctl route load: many routes from a file, sent as JSON-RPC batches over
// one connection with a few batches in flight, timed. The request text is
// formatted directly (no jansson tree per route) and the answers are only
// scanned for "error", so that the client's own cost stays small next to
// srv6d's; both are reported, srv6d's from system.info's "process" object
// read before and after.
//
// File format, one route per line ('#' starts a comment, blank lines skipped):
//   PREFIX via ADDR [port P]
//   PREFIX segs SID[,SID...] [encap h.encaps|h.encaps.red] [src ADDR]
//   PREFIX blackhole
// ("srv6" is accepted for "segs"). With --delete only PREFIX is read.

#define _GNU_SOURCE // memmem
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "rpc_client.h"
#include "srv6ctl.h"
#include "textbuf.h"

#define LOAD_DEFAULT_BATCH 1000
#define LOAD_DEFAULT_WINDOW 2
#define LOAD_LINE_MAX 4096
#define LOAD_MAX_WINDOW 32

struct loader {
	const char *socket;
	int fd;
	double timeout;
	// options
	unsigned int batch, window;
	const char *vrf, *owner;
	bool del, json;
	double rate;  // routes/s to hold (0: as fast as possible)
	double start; // now_s() when the first batch went out
	// output side: the batch being built, then bytes not yet written
	struct textbuf cur, out;
	size_t out_off;
	unsigned int in_cur; // requests in cur
	unsigned int in_flight;
	// requests per line in flight, oldest first (answers come in order)
	unsigned int fifo[LOAD_MAX_WINDOW + 2];
	unsigned int fifo_head;
	unsigned long done; // requests of lines answered without an error
	// input side: answers
	struct textbuf in;
	unsigned long next_id;
	unsigned long sent, answered, batches;
	unsigned long sent_before_batch; // requests in the batches already queued
	int error;			 // first error answered (its code), 0 none
	char errmsg[512];
};

// Room for at least 64 KiB more answers in l->in, then one read() into it:
// its count, 0 at end of connection, or -1 with errno.
static ssize_t
in_read(struct loader *l)
{
	if (l->in.cap - l->in.len < 65536) {
		size_t cap = l->in.cap * 2 + 65536;
		char *p = realloc(l->in.p, cap);
		if (p == NULL) {
			errno = ENOMEM;
			return -1;
		}
		l->in.p = p;
		l->in.cap = cap;
	}
	ssize_t n = read(l->fd, l->in.p + l->in.len, l->in.cap - l->in.len);
	if (n > 0)
		l->in.len += (size_t)n;
	return n;
}

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double
cpu_s(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
	       (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
}

// A token goes into a JSON string as is: refuse what would need escaping.
static bool
plain_token(const char *s)
{
	for (; *s != '\0'; s++)
		if (*s == '"' || *s == '\\' || (unsigned char)*s < 0x20)
			return false;
	return true;
}

// One answer line: a batch answer is an array of responses. Only a line that
// mentions "error" is parsed, to find the request that failed (not 1006).
static void
answer_line(struct loader *l, const char *s, size_t len)
{
	json_t *j, *r;
	size_t i;

	unsigned int count = 0;

	l->answered++;
	if (l->in_flight > 0) {
		count = l->fifo[l->fifo_head];
		l->fifo_head = (l->fifo_head + 1) % (LOAD_MAX_WINDOW + 2);
		l->in_flight--;
	}
	if (memmem(s, len, "\"error\"", 7) == NULL) {
		l->done += count;
		return;
	}
	if (l->error != 0)
		return;
	j = json_loadb(s, len, JSON_DECODE_ANY, NULL);
	if (!json_is_array(j)) {
		r = j;
		j = json_array();
		json_array_append_new(j, r);
	}
	json_array_foreach(j, i, r) {
		json_t *err = json_object_get(r, "error");
		int code = (int)json_integer_value(json_object_get(err, "code"));
		const char *field =
			json_string_value(json_object_get(json_object_get(err, "data"), "field"));
		if (err == NULL || code == API_ERR_ROLLED_BACK)
			continue;
		l->error = code;
		snprintf(l->errmsg, sizeof(l->errmsg),
			 "error %d: %s%s%s%s (request id %" JSON_INTEGER_FORMAT ")", code,
			 json_string_value(json_object_get(err, "message")) ?: "?",
			 field ? " (field: " : "", field ? field : "", field ? ")" : "",
			 json_integer_value(json_object_get(r, "id")));
		break;
	}
	json_decref(j);
}

// Move bytes both ways until at most `keep` batches are in flight and nothing
// is left to write. -errno on a socket failure or timeout.
static int
pump(struct loader *l, unsigned int keep)
{
	long deadline = l->timeout > 0 ? rpc_now_ms() + (long)(l->timeout * 1000) : 0;

	while (l->out_off < l->out.len || l->in_flight > keep) {
		struct pollfd pfd = {.fd = l->fd, .events = POLLIN};
		int ms = -1;

		if (l->out_off < l->out.len)
			pfd.events |= POLLOUT;
		if (deadline) {
			ms = (int)(deadline - rpc_now_ms());
			if (ms <= 0)
				return -ETIMEDOUT;
		}
		int rc = poll(&pfd, 1, ms);
		if (rc < 0 && errno == EINTR)
			continue;
		if (rc < 0)
			return -errno;
		if (rc == 0)
			return -ETIMEDOUT;
		if (pfd.revents & POLLIN) {
			ssize_t n = in_read(l);
			if (n == 0)
				return -ECONNRESET;
			if (n < 0 && errno != EAGAIN && errno != EINTR)
				return -errno;
			if (n > 0) {
				size_t start = 0;
				char *nl;
				while ((nl = memchr(l->in.p + start, '\n', l->in.len - start))) {
					answer_line(l, l->in.p + start,
						    (size_t)(nl - (l->in.p + start)));
					start = (size_t)(nl - l->in.p) + 1;
				}
				memmove(l->in.p, l->in.p + start, l->in.len - start);
				l->in.len -= start;
			}
		} else if (pfd.revents & (POLLHUP | POLLERR)) {
			return -ECONNRESET;
		}
		if (pfd.revents & POLLOUT) {
			ssize_t n = write(l->fd, l->out.p + l->out_off, l->out.len - l->out_off);
			if (n < 0 && errno != EAGAIN && errno != EINTR)
				return -errno;
			if (n > 0)
				l->out_off += (size_t)n;
			if (l->out_off == l->out.len)
				l->out_off = l->out.len = 0;
		}
	}
	return 0;
}

// Close the batch being built and queue it: "[req,req,...]\n".
static int
flush_batch(struct loader *l)
{
	int rc;

	if (l->in_cur == 0)
		return 0;
	l->cur.p[0] = '[';
	l->cur.p[l->cur.len - 1] = ']'; // the last request's trailing comma
	if (textbuf_add(&l->cur, "\n", 1) < 0)
		return -ENOMEM;
	// --rate: batch k leaves no earlier than start + k * batch / rate.
	if (l->rate > 0) {
		double due = l->start + (double)l->sent_before_batch / l->rate;
		double wait = due - now_s();
		if (wait > 0) {
			rc = pump(l, 0); // answers meanwhile, then sleep
			if (rc < 0)
				return rc;
			wait = due - now_s();
			if (wait > 0) {
				struct timespec ts = {(time_t)wait,
						      (long)((wait - (double)(time_t)wait) * 1e9)};
				nanosleep(&ts, NULL);
			}
		}
	}
	// One batch in the write buffer at a time keeps memory flat.
	rc = pump(l, l->window);
	if (rc < 0)
		return rc;
	if (textbuf_add(&l->out, l->cur.p, l->cur.len) < 0)
		return -ENOMEM;
	l->fifo[(l->fifo_head + l->in_flight) % (LOAD_MAX_WINDOW + 2)] = l->in_cur;
	l->in_flight++;
	l->batches++;
	l->sent_before_batch = l->sent;
	l->cur.len = 0;
	l->in_cur = 0;
	return pump(l, l->window - 1);
}

// One file line -> one request appended to the batch. 0, 1 (skipped: blank
// or comment), or -1 with msg filled.
static int
route_request(struct loader *l, char *line, char *msg, size_t msglen)
{
	char *tok[16], *save = NULL, req[LOAD_LINE_MAX + 512];
	unsigned int n = 0;
	int len;

	char *hash = strchr(line, '#');
	if (hash != NULL)
		*hash = '\0';
	for (char *t = strtok_r(line, " \t\r\n", &save); t != NULL && n < 16;
	     t = strtok_r(NULL, " \t\r\n", &save))
		tok[n++] = t;
	if (n == 0)
		return 1;
	for (unsigned int i = 0; i < n; i++)
		if (!plain_token(tok[i])) {
			snprintf(msg, msglen, "invalid characters in '%s'", tok[i]);
			return -1;
		}
	if (l->cur.len == 0 && textbuf_add(&l->cur, "[", 1) < 0)
		return -1;
	len = snprintf(req, sizeof(req),
		       "{\"jsonrpc\":\"2.0\",\"id\":%lu,\"method\":\"route.%s\",\"params\":{"
		       "\"prefix\":\"%s\"",
		       ++l->next_id, l->del ? "del" : "add", tok[0]);
	if (l->vrf != NULL)
		len += snprintf(req + len, sizeof(req) - (size_t)len, ",\"vrf\":\"%s\"", l->vrf);
	if (!l->del) {
		if (n < 2) {
			snprintf(msg, msglen, "no next hop (via ADDR, segs SID, blackhole)");
			return -1;
		}
		if (l->owner != NULL)
			len += snprintf(req + len, sizeof(req) - (size_t)len, ",\"owner\":\"%s\"",
					l->owner);
		if (strcmp(tok[1], "blackhole") == 0 && n == 2) {
			len += snprintf(req + len, sizeof(req) - (size_t)len,
					",\"nexthops\":[{\"type\":\"blackhole\"}]");
		} else if (strcmp(tok[1], "via") == 0 &&
			   (n == 3 || (n == 5 && strcmp(tok[3], "port") == 0))) {
			len += snprintf(req + len, sizeof(req) - (size_t)len,
					",\"nexthops\":[{\"type\":\"ip\",\"via\":\"%s\"", tok[2]);
			if (n == 5)
				len += snprintf(req + len, sizeof(req) - (size_t)len,
						",\"port\":\"%s\"", tok[4]);
			len += snprintf(req + len, sizeof(req) - (size_t)len, "}]");
		} else if ((strcmp(tok[1], "segs") == 0 || strcmp(tok[1], "srv6") == 0) && n >= 3 &&
			   n % 2 == 1) {
			len += snprintf(req + len, sizeof(req) - (size_t)len,
					",\"nexthops\":[{\"type\":\"srv6\",\"segments\":[\"");
			for (const char *c = tok[2]; *c != '\0' && len < (int)sizeof(req) - 8;
			     c++) {
				if (*c == ',')
					len += snprintf(req + len, sizeof(req) - (size_t)len,
							"\",\"");
				else
					req[len++] = *c;
			}
			len += snprintf(req + len, sizeof(req) - (size_t)len, "\"]");
			for (unsigned int i = 3; i + 1 < n; i += 2) {
				if (strcmp(tok[i], "encap") != 0 && strcmp(tok[i], "src") != 0) {
					snprintf(msg, msglen, "unknown keyword '%s'", tok[i]);
					return -1;
				}
				len += snprintf(req + len, sizeof(req) - (size_t)len,
						",\"%s\":\"%s\"", tok[i], tok[i + 1]);
			}
			len += snprintf(req + len, sizeof(req) - (size_t)len, "}]");
		} else {
			snprintf(msg, msglen,
				 "expected 'via ADDR [port P]', 'segs SID[,SID] [encap E] [src A]' "
				 "or 'blackhole'");
			return -1;
		}
	}
	len += snprintf(req + len, sizeof(req) - (size_t)len, "}},");
	if (len >= (int)sizeof(req)) {
		snprintf(msg, msglen, "line too long");
		return -1;
	}
	if (textbuf_add(&l->cur, req, (size_t)len) < 0)
		return -1;
	l->in_cur++;
	l->sent++;
	return 0;
}

// system.info's "process" object over the bulk connection (nothing is in
// flight then). NULL when srv6d does not report it.
static json_t *
server_process(struct loader *l)
{
	static const char req[] = "{\"jsonrpc\":\"2.0\",\"id\":0,\"method\":\"system.info\"}\n";
	json_t *res = NULL;

	if (textbuf_add(&l->out, req, sizeof(req) - 1) < 0)
		return NULL;
	for (;;) {
		char *nl = l->in.len ? memchr(l->in.p, '\n', l->in.len) : NULL;
		if (nl != NULL) {
			size_t len = (size_t)(nl - l->in.p);
			json_t *j = json_loadb(l->in.p, len, 0, NULL);
			memmove(l->in.p, nl + 1, l->in.len - len - 1);
			l->in.len -= len + 1;
			res = json_incref(json_object_get(json_object_get(j, "result"), "process"));
			json_decref(j);
			break;
		}
		// Read without consuming lines: pump() would swallow the answer.
		struct pollfd pfd = {.fd = l->fd, .events = POLLIN};
		if (l->out_off < l->out.len)
			pfd.events |= POLLOUT;
		if (poll(&pfd, 1, l->timeout > 0 ? (int)(l->timeout * 1000) : -1) <= 0)
			break;
		if (pfd.revents & POLLOUT) {
			ssize_t n = write(l->fd, l->out.p + l->out_off, l->out.len - l->out_off);
			if (n > 0)
				l->out_off += (size_t)n;
			if (l->out_off == l->out.len)
				l->out_off = l->out.len = 0;
		}
		if (pfd.revents & POLLIN) {
			ssize_t n = in_read(l);
			if (n == 0 || (n < 0 && errno != EAGAIN))
				break;
		}
	}
	return res;
}

static double
jnum(const json_t *o, const char *k)
{
	return json_number_value(json_object_get(o, k));
}

static double
jdiff(const json_t *a, const json_t *b, const char *k)
{
	return jnum(b, k) - jnum(a, k);
}

static const char *const phases[] = {"decode_s", "prepare_s", "handlers_s", "dp_commit_s",
				     "events_s", "txn_end_s", "respond_s",  "notify_s"};

static void
report(const struct loader *l, double wall, double client_cpu, const json_t *p0, const json_t *p1)
{
	const json_t *c0 = json_object_get(p0, "control"), *c1 = json_object_get(p1, "control");
	double rate = wall > 0 ? (double)l->done / wall : 0;
	double srv = p0 && p1 ? jdiff(p0, p1, "control_cpu_s") : -1;
	double rss0 = jnum(p0, "rss_bytes"), rss1 = jnum(p1, "rss_bytes");
	double per_route = l->done > 0 ? (rss1 - rss0) / (double)l->done : 0;

	if (l->json) {
		json_t *o =
			json_pack("{s:s,s:I,s:I,s:I,s:I,s:f,s:f,s:f}", "method",
				  l->del ? "route.del" : "route.add", "routes", (json_int_t)l->done,
				  "batches", (json_int_t)l->batches, "batch", (json_int_t)l->batch,
				  "window", (json_int_t)l->window, "wall_s", wall, "routes_per_s",
				  rate, "client_cpu_s", client_cpu);
		if (p0 != NULL && p1 != NULL) {
			json_t *ph = json_object();
			for (size_t i = 0; i < sizeof(phases) / sizeof(phases[0]); i++)
				json_object_set_new(ph, phases[i],
						    json_real(jdiff(c0, c1, phases[i])));
			json_object_set_new(o, "srv6d_pid",
					    json_incref(json_object_get(p1, "pid")));
			json_object_set_new(o, "srv6d_control_cpu_s", json_real(srv));
			json_object_set_new(o, "srv6d_phases_s", ph);
			json_object_set_new(o, "srv6d_rss_before", json_integer((json_int_t)rss0));
			json_object_set_new(o, "srv6d_rss_after", json_integer((json_int_t)rss1));
			json_object_set_new(o, "srv6d_routes",
					    json_incref(json_object_get(p1, "routes")));
		}
		char *s = json_dumps(o, JSON_COMPACT);
		if (s != NULL)
			printf("%s\n", s);
		free(s);
		json_decref(o);
		return;
	}
	printf("route load: %lu routes %s (%lu batches of up to %u, %u in flight)\n", l->done,
	       l->del ? "deleted" : "added or replaced", l->batches, l->batch, l->window);
	printf("  wall            %8.3f s  %.0f routes/s\n", wall, rate);
	printf("  srv6ctl cpu     %8.3f s  (file, formatting, socket)\n", client_cpu);
	if (p0 == NULL || p1 == NULL) {
		printf("  srv6d           (system.info reports no process figures)\n");
		return;
	}
	printf("  srv6d control   %8.3f s  control thread CPU, pid %" JSON_INTEGER_FORMAT "\n", srv,
	       json_integer_value(json_object_get(p1, "pid")));
	printf("   ");
	for (size_t i = 0; i < sizeof(phases) / sizeof(phases[0]); i++)
		printf(" %.*s %.3f", (int)(strlen(phases[i]) - 2), phases[i],
		       jdiff(c0, c1, phases[i]));
	printf("  (s, control-thread CPU)\n");
	printf("  srv6d rss       %.1f MiB -> %.1f MiB (%+.0f B/route), %" JSON_INTEGER_FORMAT
	       " routes in the model\n",
	       rss0 / 1048576.0, rss1 / 1048576.0, per_route,
	       json_integer_value(json_object_get(p1, "routes")));
}

int
ctl_route_load(const char *socket, double timeout, bool json, int argc, char **argv)
{
	struct loader l = {.socket = socket,
			   .timeout = timeout,
			   .json = json,
			   .batch = LOAD_DEFAULT_BATCH,
			   .window = LOAD_DEFAULT_WINDOW,
			   .fd = -1};
	const char *file = NULL;
	struct rpc_conn c;
	FILE *f;
	char line[LOAD_LINE_MAX], msg[256];
	unsigned long lineno = 0;
	int rc, status = CTL_EXIT_OK;

	for (int i = 0; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		if ((strcmp(a, "--batch") == 0 || strcmp(a, "batch") == 0) && v) {
			l.batch = (unsigned int)strtoul(v, NULL, 10);
			i++;
		} else if ((strcmp(a, "--window") == 0 || strcmp(a, "window") == 0) && v) {
			l.window = (unsigned int)strtoul(v, NULL, 10);
			i++;
		} else if ((strcmp(a, "--vrf") == 0 || strcmp(a, "vrf") == 0) && v) {
			l.vrf = v;
			i++;
		} else if ((strcmp(a, "--owner") == 0 || strcmp(a, "owner") == 0) && v) {
			l.owner = v;
			i++;
		} else if ((strcmp(a, "--rate") == 0 || strcmp(a, "rate") == 0) && v) {
			l.rate = strtod(v, NULL);
			i++;
		} else if (strcmp(a, "--delete") == 0 || strcmp(a, "delete") == 0) {
			l.del = true;
		} else if (file == NULL) {
			file = a;
		} else {
			fprintf(stderr, "srv6ctl: route load: unexpected argument '%s'\n", a);
			return CTL_EXIT_ERROR;
		}
	}
	if (file == NULL || l.batch == 0 || l.window == 0 || l.window > LOAD_MAX_WINDOW ||
	    (l.vrf && !plain_token(l.vrf)) || (l.owner && !plain_token(l.owner))) {
		fprintf(stderr, "usage: srv6ctl route load FILE|- [--batch N] [--window W] "
				"[--vrf V] [--owner O] [--rate R] [--delete]\n");
		return CTL_EXIT_ERROR;
	}
	f = strcmp(file, "-") == 0 ? stdin : fopen(file, "r");
	if (f == NULL) {
		fprintf(stderr, "srv6ctl: %s: %s\n", file, strerror(errno));
		return CTL_EXIT_ERROR;
	}
	rpc_conn_init(&c);
	rc = rpc_conn_open(&c, socket);
	if (rc < 0) {
		fprintf(stderr, "srv6ctl: cannot connect to %s: %s\n", socket, strerror(-rc));
		if (f != stdin)
			fclose(f);
		return CTL_EXIT_CONN;
	}
	l.fd = c.fd;
	fcntl(l.fd, F_SETFL, fcntl(l.fd, F_GETFL) | O_NONBLOCK);

	json_t *p0 = server_process(&l);
	double t0 = now_s(), c0 = cpu_s();
	l.start = t0;
	rc = 0;
	while (rc == 0 && l.error == 0 && fgets(line, sizeof(line), f) != NULL) {
		lineno++;
		int r = route_request(&l, line, msg, sizeof(msg));
		if (r < 0) {
			fprintf(stderr, "srv6ctl: %s:%lu: %s\n", file, lineno, msg);
			status = CTL_EXIT_ERROR;
			break;
		}
		if (l.in_cur >= l.batch)
			rc = flush_batch(&l);
	}
	if (rc == 0 && status == CTL_EXIT_OK)
		rc = flush_batch(&l);
	if (rc == 0)
		rc = pump(&l, 0);
	double wall = now_s() - t0, ccpu = cpu_s() - c0;
	json_t *p1 = rc == 0 ? server_process(&l) : NULL;
	if (f != stdin)
		fclose(f);
	rpc_conn_close(&c);
	textbuf_free(&l.cur);
	textbuf_free(&l.out);
	textbuf_free(&l.in);
	if (rc < 0) {
		fprintf(stderr, "srv6ctl: %s %s\n", socket,
			rc == -ETIMEDOUT ? "timed out" : strerror(-rc));
		status = CTL_EXIT_CONN;
	} else if (l.error != 0) {
		fprintf(stderr, "srv6ctl: %s\n", l.errmsg);
		status = CTL_EXIT_ERROR;
	}
	report(&l, wall, ccpu, p0, p1);
	json_decref(p0);
	json_decref(p1);
	return status;
}
