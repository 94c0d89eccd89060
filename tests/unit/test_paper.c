/*
 * test_paper.c: the papers (paper.h) and the JSON tree they read with
 * (codec/json_read.h's pd_json_parse).
 *
 * The tree: kinds, member names, escapes decoded, nesting, and refusals
 * located as every reader's are.  The papers: the words of the paper table,
 * the refusals of pd_paper_case_pdf (not a view, no base URL, a receipt
 * before acceptance, a decision notice before a decision, the checklist
 * asked of a case) leaving the output as it was, and PDFs made from a view
 * and from a result, however long the name; a paper laid out again from
 * the thread's cached blocks, or on another thread, is the same PDF.  What
 * a PDF says is checked with poppler in tests/cli/papers.sh.
 */
#define _GNU_SOURCE /* memmem */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pthread.h>

#include <cmocka.h>

#include "codec/json_read.h"
#include "permitdesk/codec.h"
#include "permitdesk/paper.h"
#include "permitdesk/policy.h"

static void test_json_tree(void **state)
{
	(void)state;
	struct pd_arena a;
	pd_arena_init(&a, 4096, 1u << 20);
	static const char text[] =
	    "{\"s\":\"a\\u00e9\\n\\\"b\",\"n\":-12.5e3,\"t\":true,\"z\":null,"
	    "\"o\":{\"k\":[1,{\"x\":\"\\u4e2d\"},[]]},\"k\\u0031\":\"v\"}";
	const struct pd_json_node *root = NULL;
	struct pd_error err;
	pd_error_clear(&err);
	assert_int_equal(pd_json_parse(text, strlen(text), "t.json", &a, &root, &err), 0);
	assert_int_equal(root->kind, PD_JSON_OBJECT);
	assert_int_equal(root->count, 6);
	assert_string_equal(pd_json_member_str(root, "s"), "aé\n\"b");
	const struct pd_json_node *n = pd_json_member(root, "n");
	assert_int_equal(n->kind, PD_JSON_NUMBER);
	assert_string_equal(n->str, "-12.5e3");
	assert_int_equal(pd_json_member(root, "t")->kind, PD_JSON_BOOL);
	assert_int_equal(pd_json_member(root, "z")->kind, PD_JSON_NULL);
	assert_null(pd_json_member_str(root, "n")); /* not a string */
	assert_null(pd_json_member(root, "nothing"));
	const struct pd_json_node *k = pd_json_member(pd_json_member(root, "o"), "k");
	assert_int_equal(k->kind, PD_JSON_ARRAY);
	assert_int_equal(k->count, 3);
	assert_null(k->child->key);
	assert_string_equal(pd_json_member_str(k->child->next, "x"), "中");
	assert_int_equal(k->child->next->next->kind, PD_JSON_ARRAY);
	assert_int_equal(k->child->next->next->count, 0);
	assert_null(k->child->next->next->next);
	assert_string_equal(pd_json_member_str(root, "k1"), "v"); /* an escaped member name */
	assert_null(pd_json_member(k, "x"));                      /* an array has no members */

	/* Refused as every reader refuses, with where. */
	pd_error_clear(&err);
	assert_int_equal(pd_json_parse("{\"a\":[1,]}", 10, "t.json", &a, &root, &err),
	                 PD_FAIL(PD_EINPUT));
	assert_string_equal(err.file, "t.json");
	assert_int_equal(err.line, 1);
	assert_int_equal(err.column, 8); /* the comma before the bracket */
	pd_arena_free(&a);
}

static void test_paper_words(void **state)
{
	(void)state;
	static const char *const words[] = {"receipt", "notice", "decision", "checklist"};
	for (int i = 0; i < PD_PAPER_COUNT; i++) {
		enum pd_paper p;
		assert_string_equal(pd_paper_name((enum pd_paper)i), words[i]);
		assert_int_equal(pd_paper_parse(words[i], &p), 0);
		assert_int_equal(p, i);
	}
	enum pd_paper p = PD_PAPER_NOTICE;
	assert_int_equal(pd_paper_parse("invoice", &p), -1);
	assert_int_equal(pd_paper_parse(NULL, &p), -1);
	assert_int_equal(p, PD_PAPER_NOTICE);
}

/* A view as pd_workflow_case_json writes it, with only what the papers read. */
static char *view_of(const char *name, bool accepted, bool decided)
{
	static char buf[8192];
	snprintf(buf, sizeof(buf),
	         "{\"id\":\"c1\",\"number\":\"tianjin-2026-000001\",\"state\":\"%s\","
	         "\"receipt\":%s,\"deadlines\":{\"decision_by\":\"2026-05-18\"},"
	         "\"facts\":{\"jurisdiction\":\"tianjin\",\"application\":{\"document\":"
	         "\"residence_permit\",\"action\":\"issuance\"},\"applicant\":{\"name\":\"%s\"}},"
	         "\"result\":{\"verdict\":\"eligible\",\"materials\":[{\"id\":\"photo\",\"status\":"
	         "\"expired\",\"en\":\"Photo\",\"zh\":\"照片\",\"source\":\"001 I.3\",\"detail\":"
	         "{\"en\":\"expired on 2026-01-01\",\"zh\":\"已于2026-01-01过期\"}}],"
	         "\"notices\":[],\"offices\":[]},"
	         "\"notices\":[],\"decisions\":[%s]}",
	         decided    ? "rejected"
	         : accepted ? "accepted"
	                    : "draft",
	         accepted ? "{\"number\":\"tianjin-2026-R000001\",\"accepted_on\":\"2026-05-11\","
	                    "\"valid_until\":\"2026-06-01\"}"
	                  : "null",
	         name,
	         decided ? "{\"n\":1,\"action\":\"reject\",\"decided_on\":\"2026-05-12\","
	                   "\"result\":{\"verdict\":\"ineligible\",\"findings\":[]}}"
	                 : "");
	return buf;
}

static void test_case_papers(void **state)
{
	(void)state;
	struct pd_buf out;
	pd_buf_init(&out, 0);
	pd_buf_puts(&out, "kept");
	struct pd_error err;
	struct pd_paper_opts opts = {.base_url = "https://desk.example.cn/"};
	const char *v = view_of("Li Lei", false, false);
	static const struct {
		enum pd_paper paper;
		bool accepted, decided, base;
		int rc;
		const char *message;
	} refused[] = {
	    {PD_PAPER_RECEIPT, false, false, true, PD_ESTATE,
	     "case tianjin-2026-000001 has no receipt: it is draft, not accepted"},
	    {PD_PAPER_RECEIPT, true, false, false, PD_EUSAGE,
	     "the receipt needs the base URL of the progress page"},
	    {PD_PAPER_DECISION, true, false, true, PD_ESTATE,
	     "case tianjin-2026-000001 has no decision: it is accepted"},
	    {PD_PAPER_CHECKLIST, true, true, true, PD_EUSAGE,
	     "a case prints a receipt, a notice or a decision"},
	};
	for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
		v = view_of("Li Lei", refused[i].accepted, refused[i].decided);
		pd_error_clear(&err);
		struct pd_paper_opts o = {.base_url = refused[i].base ? opts.base_url : NULL};
		assert_int_equal(pd_paper_case_pdf(refused[i].paper, v, strlen(v), &o, &out, &err),
		                 PD_FAIL(refused[i].rc));
		assert_string_equal(err.message, refused[i].message);
		assert_int_equal(out.len, 4);
	}
	pd_error_clear(&err);
	assert_int_equal(pd_paper_case_pdf(PD_PAPER_NOTICE, "{\"a\":1}", 7, &opts, &out, &err),
	                 PD_FAIL(PD_EINPUT));
	assert_int_equal(pd_paper_case_pdf(PD_PAPER_NOTICE, "[1", 2, &opts, &out, &err),
	                 PD_FAIL(PD_EINPUT));
	assert_int_equal(out.len, 4);

	/* Every paper of a case, with a name of 200 letters and with one all in Chinese. */
	char longname[201];
	for (int i = 0; i < 200; i++)
		longname[i] = (char)('a' + i % 26);
	longname[200] = '\0';
	const char *names[] = {longname, "欧阳司马诸葛慕容上官皇甫令狐娜娜"};
	for (size_t k = 0; k < 2; k++) {
		v = view_of(names[k], true, true);
		for (int p = PD_PAPER_RECEIPT; p <= PD_PAPER_DECISION; p++) {
			out.len = 0;
			pd_error_clear(&err);
			assert_int_equal(
			    pd_paper_case_pdf((enum pd_paper)p, v, strlen(v), &opts, &out, &err),
			    0);
			assert_true(out.len > 1000);
			assert_memory_equal(out.data, "%PDF-", 5);
			assert_non_null(memmem(out.data, out.len, "%%EOF", 5));
		}
	}
	pd_buf_free(&out);
}

/* The digits of the PDF's dates ("(D:20261206...") made zeros: two PDFs made
 * a second apart differ there and nowhere else. */
static void blank_dates(struct pd_buf *b)
{
	for (size_t i = 0; i + 3 <= b->len; i++)
		if (memcmp(b->data + i, "(D:", 3) == 0)
			for (i += 3; i < b->len && b->data[i] != ')'; i++)
				if (b->data[i] >= '0' && b->data[i] <= '9')
					b->data[i] = '0';
}

struct paper_job {
	const char *view;
	enum pd_paper paper;
	struct pd_buf out;
	int rc;
};

static void *make_paper(void *arg)
{
	struct paper_job *j = arg;
	struct pd_paper_opts opts = {.base_url = "https://desk.example.cn"};
	struct pd_error err;
	pd_error_clear(&err);
	j->rc = pd_paper_case_pdf(j->paper, j->view, strlen(j->view), &opts, &j->out, &err);
	blank_dates(&j->out);
	return NULL;
}

/* A notice, then a receipt of the same case, on one thread. */
static void *notice_then_receipt(void *arg)
{
	struct paper_job *jobs = arg;
	make_paper(&jobs[0]);
	make_paper(&jobs[1]);
	return NULL;
}

/*
 * Blocks laid out once are kept per thread and drawn again in later papers:
 * a receipt made on a new thread (nothing cached), a receipt made after a
 * notice on another new thread (the labels and values the notice laid out
 * cached, some at other widths), and a receipt made on this thread are the
 * same bytes, dates aside; each thread's cache is freed when it ends (the
 * sanitizer build finds a leak otherwise).
 */
static void test_cached_layouts(void **state)
{
	(void)state;
	/* A name that wraps beside the receipt's QR code at one width, and on
	 * the notice at another. */
	char *view = strdup(view_of("Abcdefghij Klmnopqrst Uvwxyzabcd Efghijklmn Opqrstuvwx "
	                            "Yzabcdefgh Ijklmnopqr Stuvwxyzab 欧阳司马诸葛慕容娜娜",
	                            true, false));
	assert_non_null(view);
	struct paper_job cold = {.view = view, .paper = PD_PAPER_RECEIPT};
	struct paper_job after[2] = {{.view = view, .paper = PD_PAPER_NOTICE},
	                             {.view = view, .paper = PD_PAPER_RECEIPT}};
	struct paper_job here = {.view = view, .paper = PD_PAPER_RECEIPT};
	struct paper_job *jobs[] = {&cold, &after[0], &after[1], &here};
	for (size_t i = 0; i < 4; i++)
		pd_buf_init(&jobs[i]->out, 0);
	pthread_t t;
	assert_int_equal(pthread_create(&t, NULL, make_paper, &cold), 0);
	assert_int_equal(pthread_join(t, NULL), 0);
	assert_int_equal(pthread_create(&t, NULL, notice_then_receipt, after), 0);
	assert_int_equal(pthread_join(t, NULL), 0);
	make_paper(&here);
	for (size_t i = 0; i < 4; i++)
		assert_int_equal(jobs[i]->rc, 0);
	assert_true(cold.out.len > 1000);
	assert_int_equal(after[1].out.len, cold.out.len);
	assert_memory_equal(after[1].out.data, cold.out.data, cold.out.len);
	assert_int_equal(here.out.len, cold.out.len);
	assert_memory_equal(here.out.data, cold.out.data, cold.out.len);
	for (size_t i = 0; i < 4; i++)
		pd_buf_free(&jobs[i]->out);
	free(view);
}

static void test_checklist_pdf(void **state)
{
	(void)state;
	struct pd_policy *pol = NULL;
	struct pd_error err;
	pd_error_clear(&err);
	assert_int_equal(pd_policy_load(PD_TEST_POLICY_DIR, &pol, NULL, &err), 0);
	static const char case_json[] = "{\"jurisdiction\":\"shenzhen\",\"date\":\"2026-03-02\","
	                                "\"application\":{\"document\":\"residence_permit\"}}";
	struct pd_arena arena;
	pd_arena_init(&arena, 1 << 16, 16u << 20);
	struct pd_check_opts opts = {
	    .name = "case.json", .today = PD_DATE_NONE, .date = PD_DATE_NONE};
	struct pd_result *r = NULL;
	assert_int_equal(pd_check(pol, case_json, strlen(case_json), &opts, &arena, NULL, &r, &err),
	                 0);
	struct pd_buf out;
	pd_buf_init(&out, 0);
	assert_int_equal(pd_paper_result_pdf(r, &out, &err), 0);
	assert_memory_equal(out.data, "%PDF-", 5);
	/* A long checklist runs onto several pages. */
	assert_non_null(memmem(out.data, out.len, "/Count ", 7));
	assert_null(memmem(out.data, out.len, "/Count 1\n", 9));
	pd_buf_free(&out);
	pd_arena_free(&arena);
	pd_policy_free(pol);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_json_tree),     cmocka_unit_test(test_paper_words),
	    cmocka_unit_test(test_case_papers),   cmocka_unit_test(test_cached_layouts),
	    cmocka_unit_test(test_checklist_pdf),
	};
	int failed = cmocka_run_group_tests(tests, NULL, NULL);
	pd_paper_cleanup();
	return failed;
}
