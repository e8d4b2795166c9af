// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The srv6d authors

// libFuzzer harness: the startup configuration loader (lib/config's
// config_load: JSON parsing, every object's parser in lib/ctl/ctl_json.c and
// ipsec_json.c, the model transaction) on the unit tests' fake datapath.
// The input is the file's bytes.
//
// A file that loads must come back the same through the round trip the
// daemon relies on for config.save and a restart (config.h): its
// config_to_json, saved and loaded into a fresh model, gives the same JSON
// again. A difference is a finding (abort) and is printed. A file that does
// not load must say where (e.field) or why (e.msg).

#define _GNU_SOURCE // memfd_create

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <jansson.h>

#include "config.h"
#include "ctl.h"
#include "model.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int in_fd = -1, again_fd = -1;
static char in_path[64], again_path[64];

static void
fail(const char *what, const char *detail)
{
	fprintf(stderr, "fuzz_config: %s%s%s\n", what, detail ? ": " : "", detail ? detail : "");
	abort();
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	// Files in memory: nothing written to disk per input.
	in_fd = memfd_create("fuzz_config_in", 0);
	again_fd = memfd_create("fuzz_config_again", 0);
	if (in_fd < 0 || again_fd < 0)
		fail("memfd_create", strerror(errno));
	snprintf(in_path, sizeof(in_path), "/proc/self/fd/%d", in_fd);
	snprintf(again_path, sizeof(again_path), "/proc/self/fd/%d", again_fd);
	return 0;
}

static void
put(int fd, const void *data, size_t size)
{
	if (ftruncate(fd, 0) < 0 || pwrite(fd, data, size, 0) != (ssize_t)size)
		fail("cannot write the memory file", strerror(errno));
}

static int
load(struct model *m, const char *path, struct model_err *e)
{
	struct ctl_conf conf = {.model = m, .dpdk_version = "DPDK 22.11.0"};

	if (model_init(m) < 0 || ctl_init(&conf) < 0)
		fail("model init", NULL);
	return config_load(m, path, e);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct model m1, m2;
	struct model_err e = {0};
	json_t *j1, *j2;
	char *text;

	put(in_fd, data, size);
	if (load(&m1, in_path, &e) < 0) {
		if (e.field[0] == '\0' && e.msg[0] == '\0')
			fail("a refused file without a reason", NULL);
		model_fini(&m1);
		return 0;
	}
	j1 = config_to_json(&m1, true);
	if (j1 == NULL)
		fail("config_to_json", NULL);
	text = json_dumps(j1, JSON_INDENT(1) | JSON_SORT_KEYS);
	if (text == NULL)
		fail("json_dumps", NULL);
	put(again_fd, text, strlen(text));
	memset(&e, 0, sizeof(e));
	if (load(&m2, again_path, &e) < 0) {
		fprintf(stderr, "saved configuration:\n%s\n", text);
		fprintf(stderr, "refused at %s: %s\n", e.field, e.msg);
		fail("the saved configuration does not load again", NULL);
	}
	j2 = config_to_json(&m2, true);
	if (j2 == NULL)
		fail("config_to_json", NULL);
	if (!json_equal(j1, j2)) {
		char *t2 = json_dumps(j2, JSON_INDENT(1) | JSON_SORT_KEYS);
		fprintf(stderr, "first:\n%s\nafter save and load:\n%s\n", text, t2 ? t2 : "?");
		free(t2);
		fail("the configuration changed through save and load", NULL);
	}
	free(text);
	json_decref(j1);
	json_decref(j2);
	model_fini(&m1);
	model_fini(&m2);
	return 0;
}
