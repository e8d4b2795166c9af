// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The srv6d authors
#pragma once

// srv6ctl internals: command-line → JSON-RPC request (commands.c) and
// result → text (print.c). main.c does the options and the socket.

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include <jansson.h>

#include "api.h"

// Exit statuses: an error answered by srv6d (or refused before sending, with
// the same message) is 1; no answer at all (socket, timeout, garbage) is 2.
#define CTL_EXIT_OK 0
#define CTL_EXIT_ERROR 1
#define CTL_EXIT_CONN 2

// Turn "<object> <verb> [args]" into a method name and a params object.
// *params may hold a base (from --params) that the args add to, or NULL.
// Returns 0; or -1 with e filled (code -32602 for bad args, -32601 for an
// unknown command), *params then unchanged or freed and set to NULL.
int ctl_parse_command(int argc, char **argv, char *method, size_t method_len, json_t **params,
		      struct api_error_info *e);

// Usage plus the common grammars and every catalogue method with its params.
void ctl_usage(FILE *f);
// Params of one method ("route.add" or "route add"); -1 when unknown.
int ctl_method_help(FILE *f, const char *method);

// Human rendering of a method's result: tables for arrays of objects,
// aligned "key value" lines and sections for objects.
void ctl_print_result(FILE *f, const char *method, const json_t *result);
// One event notification's params, on one line: "topic key=value ...".
void ctl_print_event(FILE *f, const json_t *params);

// "route load FILE|- [--batch N] [--window W] [--vrf V] [--owner O] [--rate R]
// [--delete]"
// (load.c): routes from a file in batches, timed; prints the rate, srv6ctl's
// CPU time and srv6d's (system.info "process"). Returns an exit status.
// "ping|trace|probe SEGMENTS... [options]" (oam.c): SRv6 OAM sessions in
// srv6d, polled until done and printed. Returns an exit status (0: answers).
int ctl_oam(const char *socket, double timeout, bool json, const char *verb, int argc, char **argv);
int ctl_route_load(const char *socket, double timeout, bool json, int argc, char **argv);
