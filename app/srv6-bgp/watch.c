// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The srv6d authors

#define _GNU_SOURCE
#include "watch.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "gobgp_client.h"
#include "gobgp_codec.h"

struct watch {
	struct gobgp_client *client;
	pthread_t thread;
	pthread_mutex_t lock;
	struct watch_item *head, *tail;
	int pipe[2];
	atomic_bool stop;
	struct gobgp_stream *stream; // under lock: cancelled by watch_stop
	bool up;		     // thread-local view: last item pushed was UP
};

static void
push(struct watch *w, enum watch_item_kind kind, const uint8_t *data, size_t len, const char *text)
{
	struct watch_item *it = calloc(1, sizeof(*it) + len);
	char one = 1;

	if (it == NULL)
		return;
	it->kind = kind;
	it->len = len;
	if (len > 0)
		memcpy(it->data, data, len);
	if (text != NULL)
		snprintf(it->text, sizeof(it->text), "%s", text);
	pthread_mutex_lock(&w->lock);
	if (w->tail != NULL)
		w->tail->next = it;
	else
		w->head = it;
	w->tail = it;
	pthread_mutex_unlock(&w->lock);
	// The pipe only wakes the main loop; a full pipe already does.
	if (write(w->pipe[1], &one, 1) < 0 && errno != EAGAIN)
		return;
}

static void
set_down(struct watch *w, const char *why)
{
	if (w->up) {
		push(w, WATCH_DOWN, NULL, 0, why);
		w->up = false;
	}
}

static void
pause_ms(struct watch *w, int ms)
{
	for (int t = 0; t < ms && !atomic_load(&w->stop); t += 50)
		usleep(50 * 1000);
}

static void *
watch_main(void *arg)
{
	struct watch *w = arg;
	char err[256];
	bool first = true;

	while (!atomic_load(&w->stop)) {
		uint8_t *req = NULL, *resp = NULL;
		size_t req_len = 0, resp_len = 0;
		int rc, ok = 0;

		// A unary call first (GetBgp, an empty request): a stream would wait
		// silently for a dead server.
		static const uint8_t empty[1];
		rc = gobgp_unary(w->client, GOBGP_METHOD_GET_BGP, empty, 0, 3000, &resp, &resp_len,
				 err, sizeof(err));
		free(resp);
		resp = NULL;
		if (rc < 0) {
			if (first)
				push(w, WATCH_DOWN, NULL, 0, err);
			first = false;
			set_down(w, err);
			pause_ms(w, 500);
			continue;
		}
		first = false;
		if (gobgp_encode_watch(true, &req, &req_len) < 0) {
			pause_ms(w, 1000);
			continue;
		}
		struct gobgp_stream *s = gobgp_stream_open(w->client, GOBGP_METHOD_WATCH_EVENT, req,
							   req_len, 0, err, sizeof(err));
		free(req);
		if (s == NULL) {
			set_down(w, err);
			pause_ms(w, 500);
			continue;
		}
		pthread_mutex_lock(&w->lock);
		w->stream = s;
		pthread_mutex_unlock(&w->lock);
		push(w, WATCH_UP, NULL, 0, NULL);
		w->up = true;
		while (!atomic_load(&w->stop)) {
			rc = gobgp_stream_next(s, 1000, &resp, &resp_len, &ok, err, sizeof(err));
			if (rc == -ETIMEDOUT)
				continue;
			if (rc != 1)
				break;
			push(w, WATCH_MESSAGE, resp, resp_len, NULL);
			free(resp);
		}
		pthread_mutex_lock(&w->lock);
		w->stream = NULL;
		pthread_mutex_unlock(&w->lock);
		gobgp_stream_close(s);
		set_down(w, rc == 0 ? err : "watch stream failed");
		pause_ms(w, 200);
	}
	return NULL;
}

struct watch *
watch_start(struct gobgp_client *c)
{
	struct watch *w = calloc(1, sizeof(*w));

	if (w == NULL)
		return NULL;
	w->client = c;
	pthread_mutex_init(&w->lock, NULL);
	if (pipe2(w->pipe, O_CLOEXEC | O_NONBLOCK) < 0) {
		free(w);
		return NULL;
	}
	if (pthread_create(&w->thread, NULL, watch_main, w) != 0) {
		close(w->pipe[0]);
		close(w->pipe[1]);
		free(w);
		return NULL;
	}
	return w;
}

int
watch_fd(const struct watch *w)
{
	return w->pipe[0];
}

struct watch_item *
watch_take(struct watch *w)
{
	struct watch_item *h;
	char buf[256];

	while (read(w->pipe[0], buf, sizeof(buf)) > 0)
		;
	pthread_mutex_lock(&w->lock);
	h = w->head;
	w->head = w->tail = NULL;
	pthread_mutex_unlock(&w->lock);
	return h;
}

void
watch_stop(struct watch *w)
{
	struct watch_item *it;

	if (w == NULL)
		return;
	atomic_store(&w->stop, true);
	pthread_mutex_lock(&w->lock);
	if (w->stream != NULL)
		gobgp_stream_cancel(w->stream);
	pthread_mutex_unlock(&w->lock);
	pthread_join(w->thread, NULL);
	it = watch_take(w);
	while (it != NULL) {
		struct watch_item *n = it->next;
		free(it);
		it = n;
	}
	close(w->pipe[0]);
	close(w->pipe[1]);
	pthread_mutex_destroy(&w->lock);
	free(w);
}
