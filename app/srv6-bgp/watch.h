// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The srv6d authors
#pragma once

// The gobgpd watcher thread: keeps a WatchEvent stream open (best paths with
// their initial dump, peer states), reconnecting when gobgpd goes away, and
// hands what it reads to the main loop through a queue and a pipe.

#include <stddef.h>
#include <stdint.h>

struct gobgp_client;

enum watch_item_kind {
	WATCH_UP,      // a new stream is open: paths that follow are a fresh dump
	WATCH_DOWN,    // gobgpd unreachable or the stream ended
	WATCH_MESSAGE, // one packed WatchEventResponse
};

struct watch_item {
	struct watch_item *next;
	enum watch_item_kind kind;
	size_t len;
	char text[128]; // WATCH_DOWN: why
	uint8_t data[];
};

struct watch;

// Starts the thread. The pipe's read end (watch_fd) becomes readable when
// items are queued.
struct watch *watch_start(struct gobgp_client *c);
int watch_fd(const struct watch *w);
// Takes every queued item (oldest first); the caller frees each with free().
struct watch_item *watch_take(struct watch *w);
void watch_stop(struct watch *w);
