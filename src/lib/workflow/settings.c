/*
 * settings.c: the deployment's settings (workflow.h, "Settings"), one table
 * below that gives each setting its name, kind, default, range and help;
 * parsing, printing, `permitdesk config` and its help all come from it.
 *
 * Where they live.  A setting is changed by an admin, and each change is one
 * audit entry "config_set" about no case, data {"setting": NAME, "value":
 * TEXT}.  The value in force is that of the latest such entry, else the
 * default.  So the settings are in the store that every server and command
 * shares (no file to keep in step on several machines), every change says who
 * made it and when, and a setting changed behind the workflow's back (in the
 * database) breaks the audit chain like any other rewritten entry.  They are
 * read inside the transaction of the action they govern.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "permitdesk/codec.h"
#include "workflow_int.h"

enum kind { K_BOOL, K_INT, K_ROLES };

struct setting_row {
	const char *name;
	enum kind kind;
	size_t field;    /* offsetof(struct pd_settings, ...): bool, int or unsigned (roles) */
	const char *def; /* the default, as it is written */
	long min, max;   /* K_INT */
	const char *help;
};
#define F(x) offsetof(struct pd_settings, x)

static const struct setting_row rows[] = {
    {"separation_of_duties", K_BOOL, F(separation_of_duties), "on", 0, 0,
     "on: whoever filed a case may not accept it, and whoever filed or accepted it may not "
     "approve, reject or revoke it; a supervisor may override with a reason (data.override); "
     "off: no such rule"},
    {"backdate_roles", K_ROLES, F(backdate_roles), "officer,supervisor", 0, 0,
     "the roles that may date a change before today (--at), with a reason; \"none\" for none"},
    {"backdate_days", K_INT, F(backdate_days), "7", 0, 3650,
     "how many days before today a change may be dated, at most"},
    {"slot_minutes", K_INT, F(slot_minutes), "30", 5, 240,
     "the length of a counter appointment slot in minutes; an office's day, from opening to "
     "closing, is cut into slots of this length"},
    {"slot_capacity", K_INT, F(slot_capacity), "2", 1, 100,
     "how many applicants may book one slot of an office (the counters serving "
     "appointments)"},
    {"booking_days", K_INT, F(booking_days), "30", 1, 366,
     "how many days ahead an appointment may be booked (from tomorrow)"},
};
#undef F
#define N_ROWS (sizeof(rows) / sizeof(rows[0]))

static const struct setting_row *find(const char *name)
{
	for (size_t i = 0; i < N_ROWS; i++)
		if (name && strcmp(rows[i].name, name) == 0)
			return &rows[i];
	return NULL;
}

static void names(char *buf, size_t size)
{
	size_t n = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < N_ROWS && n < size; i++) {
		int w = snprintf(buf + n, size - n, "%s%s", i ? ", " : "", rows[i].name);
		if (w > 0)
			n += (size_t)w;
	}
}

/* Parses `value` for `row` into s; -PD_EINPUT naming the setting otherwise. */
static int parse(const struct setting_row *row, const char *value, struct pd_settings *s,
                 struct pd_error *err)
{
	switch (row->kind) {
	case K_BOOL:
		if (strcmp(value, "on") == 0 || strcmp(value, "off") == 0) {
			*(bool *)((char *)s + row->field) = strcmp(value, "on") == 0;
			return 0;
		}
		return pd_error_set(err, PD_EINPUT, "%s: expected on or off, got '%.40s'",
		                    row->name, value);
	case K_INT: {
		char *end = NULL;
		long v = strtol(value, &end, 10);
		if (!value[0] || *end || v < row->min || v > row->max)
			return pd_error_set(err, PD_EINPUT,
			                    "%s: expected a number from %ld to %ld, got '%.40s'",
			                    row->name, row->min, row->max, value);
		*(int *)((char *)s + row->field) = (int)v;
		return 0;
	}
	case K_ROLES: {
		unsigned roles = 0;
		if (strcmp(value, "none") != 0) {
			const char *p = value;
			while (*p) {
				const char *comma = strchr(p, ',');
				size_t len = comma ? (size_t)(comma - p) : strlen(p);
				char word[32];
				enum pd_role r;
				snprintf(word, sizeof(word), "%.*s", (int)(len < 31 ? len : 31), p);
				if (len == 0 || len > 31 || pd_role_parse(word, &r) != 0)
					return pd_error_set(
					    err, PD_EINPUT,
					    "%s: expected roles separated by commas "
					    "(applicant, agent, officer, reviewer, "
					    "supervisor, admin) or none, got '%.40s'",
					    row->name, value);
				roles |= PD_ROLE_BIT(r);
				p += len + (comma ? 1 : 0);
			}
		}
		*(unsigned *)((char *)s + row->field) = roles;
		return 0;
	}
	}
	return pd_error_set(err, PD_EINTERNAL, "unknown kind of setting");
}

void pd_settings_defaults(struct pd_settings *s)
{
	memset(s, 0, sizeof(*s));
	for (size_t i = 0; i < N_ROWS; i++)
		parse(&rows[i], rows[i].def, s, NULL);
}

struct change {
	const char *setting;
	const char *value;
};

#define CHANGE_FIELD(n, m)                                                                         \
	{                                                                                          \
		.name = n, .type = PD_FIELD_STRING, .required = true,                              \
		.offset = offsetof(struct change, m), .max_len = 4096                              \
	}
static const struct pd_field change_fields[] = {CHANGE_FIELD("setting", setting),
                                                CHANGE_FIELD("value", value)};

struct reading {
	struct pd_settings *s;
	const char **values; /* the value in force of each row, NULL: the default */
	struct pd_arena *arena;
	struct pd_error *err;
};

static int read_change(void *ctx, const struct pd_store_audit *e)
{
	struct reading *r = ctx;
	struct change c = {0};
	if (!e->data || pd_json_read_object(e->data, strlen(e->data), "config_set", 0, "data",
	                                    change_fields, 2, r->arena, &c, NULL) != 0)
		return pd_error_set(r->err, PD_ESTORE,
		                    "audit entry %lld: a setting that cannot be read",
		                    (long long)e->seq);
	const struct setting_row *row = find(c.setting);
	if (!row) /* a setting of a newer program: not this one's business */
		return 0;
	if (parse(row, c.value, r->s, r->err))
		return pd_error_set(r->err, PD_ESTORE, "audit entry %lld: %s", (long long)e->seq,
		                    r->err ? r->err->message : "a bad setting");
	if (r->values)
		r->values[row - rows] = c.value;
	return 0;
}

static int read_all(struct pd_store *store, struct pd_settings *s, const char **values,
                    struct pd_arena *a, struct pd_error *err)
{
	struct reading r = {s, values, a, err};
	pd_settings_defaults(s);
	int rc = pd_store_audit_list_action(store, "config_set", read_change, &r, err);
	return rc > 0 ? 0 : rc;
}

int pd_settings_read(struct pd_store *store, struct pd_settings *s, struct pd_error *err)
{
	struct pd_arena a;
	bool own = !pd_store_in_txn(store);
	int rc;
	pd_arena_init(&a, 4096, 0);
	if (own && (rc = pd_store_begin(store, PD_TXN_READ, err)))
		goto cleanup;
	rc = read_all(store, s, NULL, &a, err);
cleanup:
	if (own)
		pd_store_rollback(store);
	pd_arena_free(&a);
	return rc;
}

int pd_settings_json(struct pd_store *store, bool pretty, struct pd_buf *out, struct pd_error *err)
{
	struct pd_arena a;
	struct pd_settings s;
	const char *values[N_ROWS] = {0};
	struct pd_jw w;
	int rc;

	pd_arena_init(&a, 4096, 0);
	if ((rc = pd_store_begin(store, PD_TXN_READ, err)) ||
	    (rc = read_all(store, &s, values, &a, err)))
		goto cleanup;
	pd_jw_init(&w, out, pretty);
	pd_jw_object_begin(&w);
	pd_jw_key(&w, "settings");
	pd_jw_array_begin(&w);
	for (size_t i = 0; i < N_ROWS; i++) {
		pd_jw_object_begin(&w);
		pd_jw_key(&w, "setting");
		pd_jw_string(&w, rows[i].name);
		pd_jw_key(&w, "value");
		pd_jw_string(&w, values[i] ? values[i] : rows[i].def);
		pd_jw_key(&w, "default");
		pd_jw_string(&w, rows[i].def);
		pd_jw_key(&w, "help");
		pd_jw_string(&w, rows[i].help);
		pd_jw_object_end(&w);
	}
	pd_jw_array_end(&w);
	pd_jw_object_end(&w);
	if (out->failed)
		rc = pd_error_set(err, PD_ENOMEM, "out of memory");
cleanup:
	pd_store_rollback(store);
	pd_arena_free(&a);
	return rc;
}

void pd_settings_help(FILE *out)
{
	for (size_t i = 0; i < N_ROWS; i++)
		fprintf(out, "  %-22s default %s: %s\n", rows[i].name, rows[i].def, rows[i].help);
}

static int set_once(struct pd_store *store, const struct pd_actor *by, const char *name,
                    const char *value, pd_date at, struct pd_error *err)
{
	struct pd_settings s;
	struct pd_buf data;
	struct pd_jw w;
	char known[256];
	int rc;

	const struct setting_row *row = find(name);
	if (!row) {
		names(known, sizeof(known));
		return pd_error_set(err, PD_EINPUT, "no setting '%.60s'; settings: %s",
		                    name ? name : "", known);
	}
	if (!by || !pd_role_can(by->role, PD_CAP_USERS))
		return pd_error_set(
		    err, PD_EFORBIDDEN, "only an admin may change settings, not %s '%s'",
		    by ? pd_role_name(by->role) : "operator", by ? by->name : "operator");
	pd_settings_defaults(&s);
	if ((rc = parse(row, value, &s, err)))
		return rc;
	pd_buf_init(&data, 8192);
	pd_jw_init(&w, &data, false);
	pd_jw_object_begin(&w);
	pd_jw_key(&w, "setting");
	pd_jw_string(&w, row->name);
	pd_jw_key(&w, "value");
	pd_jw_string(&w, value);
	pd_jw_object_end(&w);
	if (data.failed) {
		rc = pd_error_set(err, PD_ENOMEM, "out of memory");
		goto cleanup;
	}
	struct wf_entry e = {
	    .action = "config_set",
	    .actor = by,
	    .at = at == PD_DATE_NONE ? pd_today() : at,
	    .data = data.data,
	};
	if ((rc = pd_store_begin(store, PD_TXN_WRITE, err)) ||
	    (rc = wf_audit_append(store, &e, NULL, err)) || (rc = pd_store_commit(store, err)))
		goto cleanup;
cleanup:
	pd_store_rollback(store);
	pd_buf_free(&data);
	return rc;
}

int pd_setting_set(struct pd_store *store, const struct pd_actor *by, const char *name,
                   const char *value, struct pd_error *err)
{
	int rc, attempt = 0;
	do
		rc = set_once(store, by, name, value, PD_DATE_NONE, err);
	while (wf_txn_again(rc, &attempt, err));
	return rc;
}
