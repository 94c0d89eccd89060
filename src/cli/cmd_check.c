/*
 * cmd_check.c: `permitdesk check`, one case or a batch of them.
 *
 * One case: read the file (or standard input), check it (pd_check: decode
 * and evaluate), print the result as JSON in a view (--view full|summary,
 * --lang en|zh) or as a checklist.
 *
 * Batch (interfaces.md): exactly one output line per input line, in order,
 * whatever the line.  An empty or blank line, a line over the case limit and
 * a case that is refused each give {"error":{...}} on their line, and the exit
 * code is then 65.  A pipeline of three kinds of threads overlaps the work:
 * this thread reads lines into blocks (a capped reader: a line over 1 MiB is
 * skipped, never held whole), --jobs N workers each take the next block and
 * write its results into the block's own buffer, and a writer thread writes
 * the blocks in their order.  A fixed ring of blocks bounds memory whatever
 * the number of cases.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "permitdesk/codec.h"
#include "permitdesk/engine.h"
#include "permitdesk/paper.h"
#include "permitdesk/policy.h"

struct check_opts {
	const char *policy_dir;
	const char *format; /* json | text */
	const char *lang;   /* NULL: both */
	enum pd_result_view view;
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
		    strcmp(a, "--lang") == 0 || strcmp(a, "--jobs") == 0 ||
		    strcmp(a, "--view") == 0) {
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
		} else if (strcmp(a, "--view") == 0) {
			if (pd_result_view_parse(val, &o->view) != 0)
				return cli_usage("check",
				                 "--view is full, summary or trace, not '%s'", val);
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
	if (o->view != PD_VIEW_FULL && strcmp(o->format, "json") != 0)
		return cli_usage("check",
		                 "--view %s is a JSON view; --format %s prints the "
		                 "checklist",
		                 o->view == PD_VIEW_TRACE ? "trace" : "summary", o->format);
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

/* Checks one case (pd_check); writes the result as the options say, or fills err. */
static int check_one(const struct pd_policy *pol, const char *json, size_t len, const char *name,
                     int line_base, pd_date today, struct pd_arena *arena,
                     const struct check_opts *o, bool pretty, struct pd_buf *out,
                     struct pd_error *err)
{
	const struct pd_check_opts opts = {
	    .name = name, .line_base = line_base, .today = today, .date = PD_DATE_NONE};
	struct pd_result *r;
	int rc = pd_check(pol, json, len, &opts, arena, NULL, &r, err);
	if (rc)
		return rc;
	if (strcmp(o->format, "pdf") == 0) { /* the pre-check checklist (paper.h) */
		rc = pd_paper_result_pdf(r, out, err);
		pd_paper_cleanup(); /* one case, then the process ends */
		return rc;
	}
	if (strcmp(o->format, "text") == 0)
		rc = pd_result_write_text(r, o->lang, out);
	else
		rc = pd_result_write_json_view(r,
		                               &(const struct pd_result_opts){.view = o->view,
		                                                              .lang = o->lang,
		                                                              .pretty = pretty},
		                               out);
	if (rc)
		pd_error_at(err, -rc, name, 0, 0, NULL, "writing the result: %s", pd_strerror(-rc));
	return rc;
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
	rc = check_one(pol, in.data, in.len, name, 0, pd_today(), &arena, o, o->pretty, &out, &err);
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

#define BLOCK_LINES 128          /* lines a block holds at most */
#define BLOCK_BYTES (512u << 10) /* a block takes no new line once its text is this long */
#define READ_CHUNK (64u << 10)   /* bytes asked of read(2) at a time */

/* A line as read: where its text is in the block (NUL-terminated), its number, and its
 * length as it was in the input (over PD_CASE_MAX_BYTES: refused, its text not kept). */
struct line_ref {
	size_t off, len;
	long number;
	unsigned long long input_len;
};

enum block_state { BLOCK_FREE, BLOCK_FILLED, BLOCK_TAKEN, BLOCK_DONE };

struct block {
	enum block_state state;
	struct pd_buf text; /* the lines' texts */
	struct line_ref lines[BLOCK_LINES];
	size_t n;
	struct pd_buf out; /* their result lines */
	bool any_error;
};

/*
 * The ring: block number s lives in slot s % n_blocks.  The reader fills
 * block `filled` once its slot is free, workers take block `taken` once it is
 * filled, the writer writes block `written` once it is done and frees its
 * slot.  One mutex and one condition variable (broadcast) guard it all; each
 * thread holds the lock only to move a counter or a state.
 */
struct pipeline {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct block *blocks;
	long n_blocks;
	long filled, taken, written;
	bool eof;                                   /* the reader filled its last block */
	bool write_failed;                          /* the writer could not write: stop reading */
	bool any_error;                             /* some line was refused */
	unsigned long long bytes_read, total_bytes; /* for progress; total 0: unknown */
	long lines_written;

	const struct pd_policy *pol;
	const struct check_opts *o;
	const char *name; /* what errors call the input */
	pd_date today;
};

/* A buffered reader over a file descriptor that hands out lines with at
 * most `max` bytes kept: the rest of a longer line is read and dropped. */
struct reader {
	int fd;
	char *buf;
	size_t pos, end;
	bool eof;
};

/*
 * Reads the next line into `b` (appended, without its "\n" and one "\r"
 * before it): 1 a line, 0 the end of the input, -1 a read error (errno).
 * *input_len is the line's length in the input; when it is over `max` the
 * line's text is dropped as soon as that is known and b is left as it was,
 * so that memory never holds more than `max` bytes of a line.
 */
static int read_line(struct reader *r, struct pd_buf *b, size_t max, unsigned long long *input_len)
{
	size_t start = b->len;
	unsigned long long n = 0;
	bool any = false;
	for (;;) {
		if (r->pos == r->end) {
			if (r->eof)
				break;
			ssize_t got = read(r->fd, r->buf, READ_CHUNK);
			if (got < 0) {
				if (errno == EINTR)
					continue;
				return -1;
			}
			if (got == 0) {
				r->eof = true;
				break;
			}
			r->pos = 0;
			r->end = (size_t)got;
		}
		any = true;
		const char *p = r->buf + r->pos;
		const char *nl = memchr(p, '\n', r->end - r->pos);
		size_t chunk = nl ? (size_t)(nl - p) : r->end - r->pos;
		if (n + chunk <= max) {
			if (pd_buf_append(b, p, chunk)) {
				errno = ENOMEM;
				return -1;
			}
		} else if (n <= max) {
			b->len = start; /* over the limit: drop what was kept */
		}
		n += chunk;
		r->pos += chunk;
		if (nl) {
			r->pos++;
			break;
		}
	}
	if (!any)
		return 0;
	if (n <= max && b->len > start && b->data[b->len - 1] == '\r') {
		b->len--;
		n--;
	}
	*input_len = n;
	return 1;
}

static bool blank(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r' && s[i] != '\f' && s[i] != '\v')
			return false;
	return true;
}

/* The result line (or error line) of every line of a block, into its out buffer. */
static void check_block(struct pipeline *pl, struct block *bk, struct pd_arena *arena)
{
	struct pd_error err;
	pd_buf_reset(&bk->out);
	bk->any_error = false;
	for (size_t i = 0; i < bk->n; i++) {
		const struct line_ref *l = &bk->lines[i];
		const char *json = bk->text.data + l->off;
		size_t before = bk->out.len;
		int rc;
		pd_error_clear(&err);
		pd_arena_reset(arena);
		if (l->input_len > PD_CASE_MAX_BYTES)
			rc = pd_error_at(
			    &err, PD_ETOOBIG, pl->name, (int)l->number, 0, NULL,
			    "line of %llu bytes, over the %u-byte (1 MiB) limit of a case",
			    l->input_len, PD_CASE_MAX_BYTES);
		else if (blank(json, l->len))
			rc = pd_error_at(&err, PD_EINPUT, pl->name, (int)l->number, 0, NULL,
			                 "%s line: expected a case (one JSON object)",
			                 l->len ? "blank" : "empty");
		else
			rc = check_one(pl->pol, json, l->len, pl->name, (int)l->number - 1,
			               pl->today, arena, pl->o, false, &bk->out, &err);
		if (rc) {
			bk->out.len = before;
			if (bk->out.data)
				bk->out.data[before] = '\0';
			bk->out.failed = false;
			bk->any_error = true;
			if (!err.line)
				err.line = (int)l->number;
			pd_error_write_json(&err, &bk->out);
		}
		pd_buf_putc(&bk->out, '\n');
	}
}

static void *work(void *arg)
{
	struct pipeline *pl = arg;
	struct pd_arena arena;
	pd_arena_init(&arena, 1 << 16, 256u << 20);
	pthread_mutex_lock(&pl->mu);
	for (;;) {
		while (pl->taken == pl->filled && !pl->eof)
			pthread_cond_wait(&pl->cv, &pl->mu);
		if (pl->taken == pl->filled)
			break; /* the end, and nothing left to take */
		struct block *bk = &pl->blocks[pl->taken % pl->n_blocks];
		pl->taken++;
		bk->state = BLOCK_TAKEN;
		pthread_mutex_unlock(&pl->mu);
		check_block(pl, bk, &arena);
		pthread_mutex_lock(&pl->mu);
		bk->state = BLOCK_DONE;
		pthread_cond_broadcast(&pl->cv);
	}
	pthread_mutex_unlock(&pl->mu);
	pd_arena_free(&arena);
	return NULL;
}

static double seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* "12000 cases, 9800/s, about 4 s left" on standard error, over itself. */
static void progress(const struct pipeline *pl, double t0, bool last)
{
	double dt = seconds() - t0;
	if (dt <= 0)
		return;
	fprintf(stderr, "\rpermitdesk: %ld cases, %.0f/s", pl->lines_written,
	        (double)pl->lines_written / dt);
	if (!last && pl->total_bytes && pl->bytes_read)
		fprintf(stderr, ", about %.0f s left  ",
		        dt * (double)(pl->total_bytes - pl->bytes_read) / (double)pl->bytes_read);
	else
		fputs("                ", stderr);
	if (last)
		fputc('\n', stderr);
}

/* Writes the blocks in order; on a write error it keeps freeing blocks (so that
 * nobody waits for ever) and tells the reader to stop. */
static void *write_blocks(void *arg)
{
	struct pipeline *pl = arg;
	bool tty = isatty(STDERR_FILENO);
	double t0 = seconds(), shown = t0;
	pthread_mutex_lock(&pl->mu);
	for (;;) {
		struct block *bk = &pl->blocks[pl->written % pl->n_blocks];
		while (!(pl->written < pl->filled && bk->state == BLOCK_DONE) &&
		       !(pl->eof && pl->written == pl->filled))
			pthread_cond_wait(&pl->cv, &pl->mu);
		if (pl->written == pl->filled)
			break;
		bool failed = pl->write_failed;
		pthread_mutex_unlock(&pl->mu);
		if (!failed && bk->out.len &&
		    fwrite(bk->out.data, 1, bk->out.len, stdout) != bk->out.len)
			failed = true;
		pthread_mutex_lock(&pl->mu);
		pl->write_failed = pl->write_failed || failed;
		pl->any_error = pl->any_error || bk->any_error;
		pl->lines_written += (long)bk->n;
		bk->state = BLOCK_FREE;
		pl->written++;
		pthread_cond_broadcast(&pl->cv);
		if (tty && seconds() - shown >= 1.0) {
			shown = seconds();
			progress(pl, t0, false);
		}
	}
	if (tty && shown > t0)
		progress(pl, t0, true);
	pthread_mutex_unlock(&pl->mu);
	return NULL;
}

/* Reads every line into blocks and hands them to the workers; returns 0, or an exit code. */
static int read_blocks(struct pipeline *pl, struct reader *rd)
{
	int exit_code = 0;
	long number = 0;
	for (bool done = false; !done;) {
		pthread_mutex_lock(&pl->mu);
		struct block *bk = &pl->blocks[pl->filled % pl->n_blocks];
		while (bk->state != BLOCK_FREE && !pl->write_failed)
			pthread_cond_wait(&pl->cv, &pl->mu);
		bool stop = pl->write_failed;
		pthread_mutex_unlock(&pl->mu);
		if (stop)
			break;

		pd_buf_reset(&bk->text);
		bk->n = 0;
		unsigned long long bytes = 0;
		while (bk->n < BLOCK_LINES && bk->text.len < BLOCK_BYTES) {
			struct line_ref *l = &bk->lines[bk->n];
			l->off = bk->text.len;
			int got = read_line(rd, &bk->text, PD_CASE_MAX_BYTES, &l->input_len);
			if (got <= 0) {
				if (got < 0) {
					fprintf(stderr, "permitdesk: %s: %s\n", pl->name,
					        errno == ENOMEM ? "out of memory"
					                        : strerror(errno));
					exit_code = errno == ENOMEM ? EXIT_SOFTWARE : EXIT_IOERR;
				}
				done = true;
				break;
			}
			l->len = bk->text.len - l->off;
			l->number = ++number;
			bytes += l->input_len + 1;
			if (pd_buf_putc(&bk->text, '\0')) {
				fprintf(stderr, "permitdesk: out of memory\n");
				exit_code = EXIT_SOFTWARE;
				done = true;
				break;
			}
			bk->n++;
		}
		pthread_mutex_lock(&pl->mu);
		pl->bytes_read += bytes;
		if (bk->n) {
			bk->state = BLOCK_FILLED;
			pl->filled++;
		}
		if (done)
			pl->eof = true;
		pthread_cond_broadcast(&pl->cv);
		pthread_mutex_unlock(&pl->mu);
	}
	pthread_mutex_lock(&pl->mu);
	pl->eof = true;
	pthread_cond_broadcast(&pl->cv);
	pthread_mutex_unlock(&pl->mu);
	return exit_code;
}

static int run_batch(const struct check_opts *o)
{
	struct pd_policy *pol = NULL;
	int exit_code = load_policy(o->policy_dir, &pol);
	if (exit_code)
		return exit_code;
	bool std_in = strcmp(o->input, "-") == 0;
	struct reader rd = {.fd = std_in ? STDIN_FILENO : open(o->input, O_RDONLY | O_CLOEXEC)};
	if (rd.fd < 0) {
		struct pd_error err;
		pd_error_clear(&err);
		pd_error_at(&err, errno == ENOENT ? PD_ENOTFOUND : PD_EIO, o->input, 0, 0, NULL,
		            "cannot open: %s", strerror(errno));
		pd_policy_free(pol);
		return cli_fail(&err);
	}
	struct pipeline pl = {
	    .pol = pol, .o = o, .name = std_in ? "-" : o->input, .today = pd_today()};
	pthread_t *workers = calloc((size_t)o->jobs, sizeof(*workers));
	pthread_t writer;
	int started = 0;
	bool writer_started = false;
	struct stat st;
	if (fstat(rd.fd, &st) == 0 && S_ISREG(st.st_mode))
		pl.total_bytes = (unsigned long long)st.st_size;
	pl.n_blocks = 2L * o->jobs + 2;
	pl.blocks = calloc((size_t)pl.n_blocks, sizeof(*pl.blocks));
	rd.buf = malloc(READ_CHUNK);
	pthread_mutex_init(&pl.mu, NULL);
	pthread_cond_init(&pl.cv, NULL);
	if (!workers || !pl.blocks || !rd.buf) {
		exit_code = EXIT_SOFTWARE;
		goto cleanup;
	}
	for (long i = 0; i < pl.n_blocks; i++) {
		pd_buf_init(&pl.blocks[i].text, 0);
		pd_buf_init(&pl.blocks[i].out, 0);
	}
	for (; started < o->jobs; started++)
		if (pthread_create(&workers[started], NULL, work, &pl) != 0)
			break;
	writer_started = pthread_create(&writer, NULL, write_blocks, &pl) == 0;
	if (started == 0 || !writer_started) {
		fprintf(stderr, "permitdesk: cannot start threads\n");
		exit_code = EXIT_SOFTWARE;
	}
	if (!exit_code)
		exit_code = read_blocks(&pl, &rd);
	/* Whatever happened, the end is said, so that every thread returns. */
	pthread_mutex_lock(&pl.mu);
	pl.eof = true;
	pthread_cond_broadcast(&pl.cv);
	pthread_mutex_unlock(&pl.mu);
	for (int j = 0; j < started; j++)
		pthread_join(workers[j], NULL);
	if (writer_started)
		pthread_join(writer, NULL);
	if (!exit_code && (pl.write_failed || fflush(stdout) != 0 || ferror(stdout))) {
		fprintf(stderr, "permitdesk: writing the results: %s\n", strerror(errno));
		exit_code = EXIT_IOERR;
	}
	if (!exit_code && pl.any_error)
		exit_code = EXIT_DATAERR;
cleanup:
	if (!std_in)
		close(rd.fd);
	if (pl.blocks)
		for (long i = 0; i < pl.n_blocks; i++) {
			pd_buf_free(&pl.blocks[i].text);
			pd_buf_free(&pl.blocks[i].out);
		}
	free(pl.blocks);
	free(rd.buf);
	free(workers);
	pthread_mutex_destroy(&pl.mu);
	pthread_cond_destroy(&pl.cv);
	pd_policy_free(pol);
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
