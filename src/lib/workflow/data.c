/*
 * data.c: reads the data of an action (workflow.h, pd_act.data), a small
 * JSON object (RFC 8259) tokenised with jsmn in strict mode.
 *
 * Each action accepts its own members and nothing else, as a case refuses
 * unknown fields (format.md §1): a typo must not pass silently.  Word values
 * (kinds, outcomes, grounds, methods, user names) are plain strings without
 * escapes; "due" is a date; "task" a positive integer; "case" an object kept
 * as its text.  Errors name the member as data.<name>.
 */
#include <stdio.h>
#include <string.h>

#define JSMN_STATIC
#define JSMN_STRICT
#include <jsmn.h>

#include "workflow_int.h"

#define DATA_MAX_BYTES ((size_t)2 << 20)

enum member { M_TO, M_KIND, M_DUE, M_TASK, M_OUTCOME, M_GROUND, M_METHOD, M_CASE, M_COUNT };

static const char *const member_names[M_COUNT] = {
    [M_TO] = "to",           [M_KIND] = "kind",     [M_DUE] = "due",       [M_TASK] = "task",
    [M_OUTCOME] = "outcome", [M_GROUND] = "ground", [M_METHOD] = "method", [M_CASE] = "case",
};

#define M(x) (1u << M_##x)
/* The members each action accepts. */
static const unsigned accepted[PD_ACTION_COUNT] = {
    [PD_ACTION_ASSIGN] = M(TO),
    [PD_ACTION_ADD_TASK] = M(KIND) | M(DUE),
    [PD_ACTION_COMPLETE_TASK] = M(TASK) | M(OUTCOME),
    [PD_ACTION_REVOKE] = M(GROUND),
    [PD_ACTION_RESUBMIT] = M(CASE),
    [PD_ACTION_COLLECT] = M(METHOD),
};

static int fail(struct pd_error *err, const char *member, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int fail(struct pd_error *err, const char *member, const char *fmt, ...)
{
	va_list ap;
	if (err) {
		pd_error_clear(err);
		snprintf(err->path, sizeof(err->path), "data%s%s", member ? "." : "",
		         member ? member : "");
	}
	va_start(ap, fmt);
	int rc = pd_error_setv(err, PD_EINPUT, fmt, ap);
	va_end(ap);
	return rc;
}

/* Index of the token after the subtree of token i (iterative: no recursion on
 * nesting that the input chooses). */
static int after(const jsmntok_t *t, int n, int i)
{
	int j = i + 1;
	while (j < n && t[j].start < t[i].end)
		j++;
	return j;
}

static int word(const char *json, const jsmntok_t *t, const char *member, struct pd_arena *arena,
                const char **out, struct pd_error *err)
{
	if (t->type != JSMN_STRING)
		return fail(err, member, "expected a string");
	size_t len = (size_t)(t->end - t->start);
	const char *s = json + t->start;
	if (len == 0 || memchr(s, '\\', len))
		return fail(err, member, "expected a plain word");
	*out = pd_arena_strndup(arena, s, len);
	return *out ? 0 : pd_error_set(err, PD_ENOMEM, "out of memory");
}

int wf_data_parse(enum pd_action action, const char *json, size_t len, struct pd_arena *arena,
                  struct wf_data *out, struct pd_error *err)
{
	jsmn_parser p;
	jsmntok_t *t;
	int n;

	memset(out, 0, sizeof(*out));
	out->due = PD_DATE_NONE;
	if (!json)
		return 0;
	if (len > DATA_MAX_BYTES)
		return pd_error_at(err, PD_ETOOBIG, NULL, 0, 0, "data", "larger than %zu bytes",
		                   DATA_MAX_BYTES);
	if (memchr(json, '\0', len) || pd_utf8_check(json, len) != len)
		return fail(err, NULL, "not valid UTF-8 text");
	jsmn_init(&p);
	n = jsmn_parse(&p, json, len, NULL, 0);
	if (n < 1)
		return fail(err, NULL, "not valid JSON");
	t = pd_arena_alloc(arena, sizeof(*t) * (size_t)n);
	if (!t)
		return pd_error_set(err, PD_ENOMEM, "out of memory");
	jsmn_init(&p);
	if (jsmn_parse(&p, json, len, t, (unsigned)n) != n)
		return fail(err, NULL, "not valid JSON");
	if (t[0].type != JSMN_OBJECT)
		return fail(err, NULL, "expected a JSON object");
	for (size_t k = (size_t)t[0].end; k < len; k++)
		if (json[k] != ' ' && json[k] != '\t' && json[k] != '\n' && json[k] != '\r')
			return fail(err, NULL, "text after the JSON object");

	unsigned seen = 0;
	int i = 1;
	for (int m = 0; m < t[0].size; m++) {
		const jsmntok_t *key = &t[i], *val = &t[i + 1];
		if (key->type != JSMN_STRING)
			return fail(err, NULL, "member names must be strings");
		size_t klen = (size_t)(key->end - key->start);
		char name[32];
		snprintf(name, sizeof(name), "%.*s", klen < 31 ? (int)klen : 31, json + key->start);
		int which = -1;
		for (int w = 0; w < M_COUNT; w++)
			if (strlen(member_names[w]) == klen &&
			    memcmp(member_names[w], json + key->start, klen) == 0)
				which = w;
		if (which < 0 || !(accepted[action] & (1u << which)))
			return fail(err, name, "not a member of the data of %s",
			            pd_action_name(action));
		if (seen & (1u << which))
			return fail(err, name, "given twice");
		seen |= 1u << which;

		int rc = 0;
		switch (which) {
		case M_TO:
			rc = word(json, val, name, arena, &out->to, err);
			break;
		case M_KIND:
			rc = word(json, val, name, arena, &out->kind, err);
			break;
		case M_OUTCOME:
			rc = word(json, val, name, arena, &out->outcome, err);
			break;
		case M_GROUND:
			rc = word(json, val, name, arena, &out->ground, err);
			break;
		case M_METHOD:
			rc = word(json, val, name, arena, &out->method, err);
			break;
		case M_DUE: {
			pd_date d;
			if (val->type != JSMN_STRING ||
			    pd_date_parse(json + val->start, (size_t)(val->end - val->start), &d))
				return fail(err, name, "expected a date YYYY-MM-DD");
			out->due = d;
			break;
		}
		case M_TASK: {
			int64_t v = 0;
			const char *s = json + val->start;
			int l = val->end - val->start;
			if (val->type != JSMN_PRIMITIVE || l < 1 || l > 9 || s[0] == '0')
				return fail(err, name, "expected a task number");
			for (int c = 0; c < l; c++) {
				if (s[c] < '0' || s[c] > '9')
					return fail(err, name, "expected a task number");
				v = v * 10 + (s[c] - '0');
			}
			out->task = v;
			break;
		}
		case M_CASE:
			if (val->type != JSMN_OBJECT)
				return fail(err, name, "expected the case as a JSON object");
			out->case_json = json + val->start;
			out->case_len = (size_t)(val->end - val->start);
			break;
		}
		if (rc)
			return rc;
		i = after(t, n, i + 1);
	}
	return 0;
}
