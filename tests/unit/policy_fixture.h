/*
 * policy_fixture.h: small policy directories in a temporary folder, for the
 * tests of the policy loader and the engine.
 *
 * new_policy_dir() makes a fresh folder holding a copy of the real
 * policy/calendar/cn.yaml (pd_policy_load() needs a calendar); put() writes a
 * file under it (making folders) or removes one; drop_policy_dir() deletes the
 * whole tree.  Everything is static: each test program includes this once,
 * after <cmocka.h> (failures go through fail_msg).
 */
#ifndef PD_TEST_POLICY_FIXTURE_H
#define PD_TEST_POLICY_FIXTURE_H

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "permitdesk/base.h"

struct file {
	const char *path; /* relative to the policy directory */
	const char *text; /* NULL: remove the file */
};

static void write_file(const char *root, const char *rel, const char *text, size_t len)
{
	char path[1024];
	snprintf(path, sizeof(path), "%s/%s", root, rel);
	for (char *p = path + strlen(root) + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(path, 0700) != 0 && errno != EEXIST)
			fail_msg("mkdir %s: %s", path, strerror(errno));
		*p = '/';
	}
	FILE *f = fopen(path, "wb");
	if (!f)
		fail_msg("cannot write %s: %s", path, strerror(errno));
	if (len && fwrite(text, 1, len, f) != len)
		fail_msg("cannot write %s", path);
	fclose(f);
}

static void put(const char *root, const char *rel, const char *text)
{
	if (!text) {
		char path[1024];
		snprintf(path, sizeof(path), "%s/%s", root, rel);
		unlink(path);
		return;
	}
	write_file(root, rel, text, strlen(text));
}

__attribute__((unused)) static void put_all(const char *root, const struct file *files, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (files[i].path)
			put(root, files[i].path, files[i].text);
}

static void rm_rf(const char *path)
{
	DIR *d = opendir(path);
	if (!d) {
		unlink(path);
		return;
	}
	struct dirent *e;
	while ((e = readdir(d))) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		char sub[1024];
		snprintf(sub, sizeof(sub), "%s/%s", path, e->d_name);
		rm_rf(sub);
	}
	closedir(d);
	rmdir(path);
}

/* A fresh temporary policy directory holding the real calendar; free with drop_policy_dir. */
static char *new_policy_dir(void)
{
	char *dir = malloc(256);
	if (!dir)
		fail_msg("out of memory");
	const char *tmp = getenv("TMPDIR");
	snprintf(dir, 256, "%s/pd-policy-test.XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(dir))
		fail_msg("mkdtemp: %s", strerror(errno));
	struct pd_buf cal;
	pd_buf_init(&cal, 0);
	struct pd_error err;
	pd_error_clear(&err);
	if (pd_buf_read_file(&cal, PD_TEST_POLICY_DIR "/calendar/cn.yaml", &err) != 0)
		fail_msg("cannot read the calendar: %s", err.message);
	write_file(dir, "calendar/cn.yaml", cal.data, cal.len);
	pd_buf_free(&cal);
	return dir;
}

static void drop_policy_dir(char *dir)
{
	if (!dir)
		return;
	rm_rf(dir);
	free(dir);
}

#endif
