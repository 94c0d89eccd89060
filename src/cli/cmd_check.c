/*
 * cmd_check.c: `permitdesk check`, one case or a batch of them.
 *
 * One case: read the file (or standard input), check it (pd_check: decode
 * and evaluate), print the result as JSON or as a checklist.  Batch: one case per line in, one
 * result per line out in the same order; --jobs N evaluates blocks of lines on N threads, each with
 * its own arena and output buffer, and writes the blocks in order, so memory stays flat however
 * many cases come.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "permitdesk/codec.h"
#include "permitdesk/engine.h"
#include "permitdesk/paper.h"
#include "permitdesk/policy.h"

struct check_opts {
	const char *policy_dir;
	const char *format; /* json | text */
	const char *lang;   /* NULL: both */
	bool pretty;
	bool batch;
	int jobs;
	const char *input;
};

static int parse_opts(int argc, char **argv, struct check_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->format = "json";
	o->jobs = 1;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		const char *val = NULL;
		if (strcmp(a, "--policy") == 0 || strcmp(a, "--format") == 0 ||
		    strcmp(a, "--lang") == 0 || strcmp(a, "--jobs") == 0) {
			if (i + 1 >= argc)
				return cli_usage("check", "%s needs a value", a);
			val = argv[++i];
		}
		if (strcmp(a, "--policy") == 0) {
			o->policy_dir = val;
		} else if (strcmp(a, "--format") == 0) {
			if (strcmp(val, "json") != 0 && strcmp(val, "text") != 0 &&
			    strcmp(val, "pdf") != 0)
				return cli_usage("check", "--format is json, text or pdf, not '%s'",
				                 val);
			o->format = val;
		} else if (strcmp(a, "--lang") == 0) {
			if (strcmp(val, "en") != 0 && strcmp(val, "zh") != 0)
				return cli_usage("check", "--lang is en or zh, not '%s'", val);
			o->lang = val;
		} else if (strcmp(a, "--jobs") == 0) {
			char *end;
			long n = strtol(val, &end, 10);
			if (*end || n < 1 || n > 64)
				return cli_usage("check", "--jobs is a number from 1 to 64");
			o->jobs = (int)n;
		} else if (strcmp(a, "--pretty") == 0) {
			o->pretty = true;
		} else if (strcmp(a, "--batch") == 0) {
			o->batch = true;
		} else if (a[0] == '-' && a[1] != '\0') {
			return cli_usage("check", "unknown option '%s'", a);
		} else if (o->input) {
			return cli_usage("check", "one input file only");
		} else {
			o->input = a;
		}
	}
	if (!o->input)
		return cli_usage("check", "missing the case file (or - for standard input)");
	if (o->batch && strcmp(o->format, "pdf") == 0)
		return cli_usage("check", "--format pdf prints one case, not a batch");
	if (!o->policy_dir)
		o->policy_dir = pd_policy_default_dir();
	return 0;
}

static int load_policy(const char *dir, struct pd_policy **pol)
{
	struct pd_error err;
	pd_error_clear(&err);
	if (pd_policy_load(dir, pol, NULL, &err) != 0)
		return cli_fail(&err);
	return 0;
}

/* Checks one case (pd_check); writes the result or fills err. */
static int check_one(const struct pd_policy *pol, const char *json, size_t len, const char *name,
                     int line_base, pd_date today, struct pd_arena *arena, const char *format,
                     const char *lang, bool pretty, struct pd_buf *out, struct pd_error *err)
{
	const struct pd_check_opts opts = {
	    .name = name, .line_base = line_base, .today = today, .date = PD_DATE_NONE};
	struct pd_result *r;
	int rc = pd_check(pol, json, len, &opts, arena, NULL, &r, err);
	if (rc)
		return rc;
	if (strcmp(format, "pdf") == 0) { /* the pre-check checklist (paper.h) */
		rc = pd_paper_result_pdf(r, out, err);
		pd_paper_cleanup(); /* one case, then the process ends */
		return rc;
	}
	if (strcmp(format, "text") == 0)
		return pd_result_write_text(r, lang, out);
	return pd_result_write_json(r, pretty, out);
}

static int run_single(const struct check_opts *o)
{
	struct pd_policy *pol = NULL;
	struct pd_buf in, out;
	struct pd_arena arena;
	struct pd_error err;
	int exit_code = EXIT_OK;
	pd_buf_init(&in, 64u << 20);
	pd_buf_init(&out, 0);
	pd_arena_init(&arena, 1 << 16, 256u << 20);
	pd_error_clear(&err);

	int rc = pd_buf_read_file(&in, o->input, &err);
	if (rc) {
		if (-rc == PD_ETOOBIG)
			err.code = PD_EINPUT;
		exit_code = cli_fail(&err);
		goto cleanup;
	}
	exit_code = load_policy(o->policy_dir, &pol);
	if (exit_code)
		goto cleanup;
	const char *name = strcmp(o->input, "-") == 0 ? "-" : o->input;
	rc = check_one(pol, in.data, in.len, name, 0, pd_today(), &arena, o->format, o->lang,
	               o->pretty, &out, &err);
	if (rc) {
		exit_code = cli_fail(&err);
		goto cleanup;
	}
	if (out.len && out.data[out.len - 1] != '\n' && strcmp(o->format, "pdf") != 0)
		pd_buf_putc(&out, '\n');
	fwrite(out.data, 1, out.len, stdout);
	if (fflush(stdout) != 0)
		exit_code = EXIT_SOFTWARE;
cleanup:
	pd_policy_free(pol);
	pd_buf_free(&in);
	pd_buf_free(&out);
	pd_arena_free(&arena);
	return exit_code;
}

/* ---- batch ---- */

#define BLOCK_LINES 2048

struct line_ref {
	size_t off, len;
	int number;
};

struct worker {
	pthread_t thread;
	const struct pd_policy *pol;
	const struct check_opts *o;
	const char *data;
	const struct line_ref *lines;
	size_t first, count;
	pd_date today;
	struct pd_arena arena;
	struct pd_buf out;
	bool any_error;
};

static void *work(void *arg)
{
	struct worker *w = arg;
	struct pd_error err;
	const char *name = strcmp(w->o->input, "-") == 0 ? "-" : w->o->input;
	for (size_t i = w->first; i < w->first + w->count; i++) {
		const struct line_ref *l = &w->lines[i];
		pd_error_clear(&err);
		pd_arena_reset(&w->arena);
		size_t before = w->out.len;
		int rc = check_one(w->pol, w->data + l->off, l->len, name, l->number - 1, w->today,
		                   &w->arena, w->o->format, w->o->lang, false, &w->out, &err);
		if (rc) {
			w->out.len = before;
			if (w->out.data)
				w->out.data[before] = '\0';
			w->out.failed = false;
			w->any_error = true;
			if (!err.line)
				err.line = l->number;
			pd_error_write_json(&err, &w->out);
		}
		pd_buf_putc(&w->out, '\n');
	}
	return NULL;
}

static int run_batch(const struct check_opts *o)
{
	struct pd_policy *pol = NULL;
	int exit_code = load_policy(o->policy_dir, &pol);
	if (exit_code)
		return exit_code;
	FILE *in = strcmp(o->input, "-") == 0 ? stdin : fopen(o->input, "rb");
	if (!in) {
		struct pd_error err;
		pd_error_clear(&err);
		pd_error_at(&err, PD_ENOTFOUND, o->input, 0, 0, NULL, "cannot open");
		pd_policy_free(pol);
		return cli_fail(&err);
	}
	int jobs = o->jobs;
	struct worker *ws = calloc((size_t)jobs, sizeof(*ws));
	struct line_ref *lines = malloc(sizeof(*lines) * BLOCK_LINES);
	struct pd_buf block;
	pd_buf_init(&block, 0);
	bool any_error = false;
	pd_date today = pd_today();
	if (!ws || !lines) {
		exit_code = EXIT_SOFTWARE;
		goto cleanup;
	}
	for (int j = 0; j < jobs; j++) {
		pd_arena_init(&ws[j].arena, 1 << 16, 256u << 20);
		pd_buf_init(&ws[j].out, 0);
	}
	char *line = NULL;
	size_t cap = 0;
	int number = 0;
	bool eof = false;
	while (!eof) {
		pd_buf_reset(&block);
		size_t n = 0;
		while (n < BLOCK_LINES) {
			ssize_t got = getline(&line, &cap, in);
			if (got < 0) {
				eof = true;
				break;
			}
			number++;
			size_t len = (size_t)got;
			while (len && (line[len - 1] == '\n' || line[len - 1] == '\r'))
				len--;
			if (len == 0)
				continue; /* blank lines separate nothing */
			lines[n] = (struct line_ref){block.len, len, number};
			if (pd_buf_append(&block, line, len) || pd_buf_putc(&block, '\0')) {
				exit_code = EXIT_SOFTWARE;
				goto done;
			}
			n++;
		}
		if (n == 0)
			continue;
		size_t per = (n + (size_t)jobs - 1) / (size_t)jobs;
		int used = 0;
		for (int j = 0; j < jobs; j++) {
			struct worker *w = &ws[j];
			w->pol = pol;
			w->o = o;
			w->data = block.data;
			w->lines = lines;
			w->first = (size_t)j * per;
			w->count = w->first >= n ? 0 : (n - w->first < per ? n - w->first : per);
			w->today = today;
			pd_buf_reset(&w->out);
			if (w->count == 0)
				continue;
			used = j + 1;
			if (jobs == 1)
				work(w);
			else if (pthread_create(&w->thread, NULL, work, w) != 0)
				work(w), w->thread = 0;
		}
		for (int j = 0; j < used; j++) {
			struct worker *w = &ws[j];
			if (jobs > 1 && w->count && w->thread)
				pthread_join(w->thread, NULL);
			w->thread = 0;
			if (w->out.len)
				fwrite(w->out.data, 1, w->out.len, stdout);
			any_error = any_error || w->any_error;
			w->any_error = false;
		}
	}
done:
	free(line);
	if (ferror(in))
		exit_code = EXIT_SOFTWARE;
cleanup:
	if (in != stdin)
		fclose(in);
	if (ws)
		for (int j = 0; j < jobs; j++) {
			pd_arena_free(&ws[j].arena);
			pd_buf_free(&ws[j].out);
		}
	free(ws);
	free(lines);
	pd_buf_free(&block);
	pd_policy_free(pol);
	if (fflush(stdout) != 0 && !exit_code)
		exit_code = EXIT_SOFTWARE;
	if (!exit_code && any_error)
		exit_code = EXIT_DATAERR;
	return exit_code;
}

int cmd_check(int argc, char **argv)
{
	struct check_opts o;
	int rc = parse_opts(argc, argv, &o);
	if (rc)
		return rc;
	return o.batch ? run_batch(&o) : run_single(&o);
}
