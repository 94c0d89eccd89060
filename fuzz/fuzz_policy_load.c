/*
 * fuzz_policy_load.c: the policy loader (pd_policy_load, policy.h) on any
 * bytes.  The loader reads a directory, so the input is a directory written
 * as text:
 *
 *   #>> calendar/cn.yaml          each line "#>> PATH" starts the file PATH
 *   years: ...                    (a YAML comment, so every part is YAML too)
 *   #>> national/pack.yaml
 *   id: national ...
 *
 * PATH is one or two names of a-z 0-9 _ - (the last ending in .yaml); at
 * most 16 files.  Bytes before the first "#>>" line are ignored.  An input
 * with no such line is the one rule file (rules.yaml) of a pack "fuzz" with
 * a fixed pack.yaml and an empty calendar.  The directory is emptied before
 * each run and removed at exit.
 *
 * Checked: a load either succeeds or fails with -PD_EPOLICY / -PD_ECONFIG and
 * a message; every diagnostic has a message; nothing leaks.
 */
#include <dirent.h>
#include <stdbool.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fuzz.h"
#include "permitdesk/policy.h"

#define MAX_FILES 16

static char root[256];

static const char default_pack[] = "id: fuzz\n"
                                   "jurisdiction: fuzz\n"
                                   "title: {en: Fuzz, zh: 模糊}\n"
                                   "effective: {from: 2013-09-01}\n"
                                   "sources:\n"
                                   "  - {id: F, title: fuzz}\n"
                                   "  - {id: Law, title: law}\n"
                                   "  - {id: Regs, title: regulations}\n"
                                   "  - {id: \"000\", title: seed}\n"
                                   "  - {id: \"003\", title: seed}\n";

/* Removes everything under dir (two levels deep at most), and dir when rmdir_too. */
static void clear(const char *dir, int depth, bool rmdir_too)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char path[512];

	if (d) {
		while ((e = readdir(d)) != NULL) {
			if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
				continue;
			snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
			struct stat st;
			if (lstat(path, &st) != 0)
				continue;
			if (S_ISDIR(st.st_mode) && depth < 3)
				clear(path, depth + 1, true);
			else
				unlink(path);
		}
		closedir(d);
	}
	if (rmdir_too)
		rmdir(dir);
}

static void remove_root(void)
{
	if (root[0])
		clear(root, 0, true);
}

static bool name_ok(const char *s, size_t n)
{
	if (n == 0 || n > 32 || s[0] == '.')
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-' ||
		      c == '.'))
			return false;
	}
	return true;
}

/* Writes data to root/rel (rel is len bytes: "a.yaml" or "dir/a.yaml"). */
static void put(const char *rel, size_t len, const uint8_t *data, size_t size)
{
	const char *slash = memchr(rel, '/', len);
	char path[512];

	if (len < 6 || memcmp(rel + len - 5, ".yaml", 5) != 0)
		return;
	if (slash) {
		size_t a = (size_t)(slash - rel);
		if (!name_ok(rel, a) || !name_ok(slash + 1, len - a - 1) ||
		    memchr(slash + 1, '/', len - a - 1))
			return;
		snprintf(path, sizeof(path), "%s/%.*s", root, (int)a, rel);
		mkdir(path, 0700);
	} else if (!name_ok(rel, len)) {
		return;
	}
	snprintf(path, sizeof(path), "%s/%.*s", root, (int)len, rel);
	FILE *f = fopen(path, "wb");
	if (!f)
		return;
	if (size)
		fwrite(data, 1, size, f);
	fclose(f);
}

static const uint8_t *find_marker(const uint8_t *p, const uint8_t *end)
{
	/* "#>> " at the start of a line. */
	for (const uint8_t *q = p; q + 4 <= end; q++) {
		if ((q == p || q[-1] == '\n') && memcmp(q, "#>> ", 4) == 0)
			return q;
		const uint8_t *nl = memchr(q, '\n', (size_t)(end - q));
		if (!nl)
			break;
		q = nl;
	}
	return NULL;
}

static void write_tree(const uint8_t *data, size_t size)
{
	const uint8_t *end = data + size;
	const uint8_t *m = find_marker(data, end);
	int files = 0;

	if (!m) {
		char dir[300];
		snprintf(dir, sizeof(dir), "%s/fuzz", root);
		mkdir(dir, 0700);
		put("fuzz/pack.yaml", 14, (const uint8_t *)default_pack, sizeof(default_pack) - 1);
		snprintf(dir, sizeof(dir), "%s/calendar", root);
		mkdir(dir, 0700);
		put("calendar/cn.yaml", 16, (const uint8_t *)"years: []\n", 10);
		put("fuzz/rules.yaml", 15, data, size);
		return;
	}
	while (m && files < MAX_FILES) {
		const uint8_t *name = m + 4;
		const uint8_t *nl = memchr(name, '\n', (size_t)(end - name));
		const uint8_t *body = nl ? nl + 1 : end;
		size_t name_len = (size_t)((nl ? nl : end) - name);
		while (name_len && (name[name_len - 1] == '\r' || name[name_len - 1] == ' '))
			name_len--;
		const uint8_t *next = find_marker(body, end);
		put((const char *)name, name_len, body, (size_t)((next ? next : end) - body));
		files++;
		m = next;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pd_policy *pol = NULL;
	struct pd_diags diags = {0};
	struct pd_error err;

	if (!root[0]) {
		const char *tmp = getenv("TMPDIR");
		snprintf(root, sizeof(root), "%s/pd-fuzz-policy.XXXXXX",
		         tmp && *tmp ? tmp : "/tmp");
		if (!mkdtemp(root))
			fuzz_fail("cannot create a temporary directory under %s", root);
		atexit(remove_root);
	}
	if (size > (1u << 20))
		return 0;
	clear(root, 0, false);
	write_tree(data, size);

	pd_error_clear(&err);
	int rc = pd_policy_load(root, &pol, &diags, &err);
	if (rc == 0) {
		fuzz_assert(pol != NULL);
		fuzz_assert(pd_policy_pack_count(pol) > 0);
		for (size_t i = 0; i < pd_policy_pack_count(pol); i++) {
			const struct pd_pack *p = pd_policy_pack_at(pol, i);
			fuzz_assert(pd_pack_id(p) && pd_pack_version(p));
		}
		pd_policy_free(pol);
	} else {
		fuzz_assert(pol == NULL);
		fuzz_assert(rc == -PD_EPOLICY || rc == -PD_ECONFIG || rc == -PD_ENOMEM);
		fuzz_assert(err.message[0] != '\0');
	}
	for (size_t i = 0; i < diags.count; i++)
		fuzz_assert(diags.items[i].message[0] != '\0');
	pd_diags_free(&diags);
	return 0;
}
