/*
 * audit_key.c: the audit trail's key, kept outside the database
 * (workflow.h, "Audit"; the path is the store's, store.h).
 *
 * The file is text, made on first use with mode 0600 and never rewritten:
 *
 *	permitdesk audit key 1
 *	secret <64 hex digits: 32 random bytes>
 *	from <the first entry hashed with it>
 *	check <16 hex digits: BLAKE2b-64 of the three lines above>
 *
 * `from` is the switch point of an existing trail: entries before it were
 * written before the key existed and keep verifying under the unkeyed
 * scheme (v1); from it on every entry is keyed (v2).  It lives in the key
 * file, not in the database, so that rewriting the database cannot move it.
 * Two keys are derived from the secret (libsodium crypto_kdf, context
 * "pdaudit_"): subkey 1 keys the entries' BLAKE2b-256, subkey 2 seeds the
 * Ed25519 key pair (crypto_sign) that signs checkpoints of the chain head.
 * A file readable by others, or whose check line does not match, is refused.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "workflow_int.h"

#define KEY_HEADER "permitdesk audit key 1"
#define KDF_CONTEXT "pdaudit_"

static void body_of(const unsigned char secret[32], int64_t from, char *buf, size_t size)
{
	char hex[65];
	sodium_bin2hex(hex, sizeof(hex), secret, 32);
	snprintf(buf, size, KEY_HEADER "\nsecret %s\nfrom %lld\n", hex, (long long)from);
}

static void check_of(const char *body, char out[17])
{
	unsigned char h[8];
	crypto_generichash(h, sizeof(h), (const unsigned char *)body, strlen(body), NULL, 0);
	sodium_bin2hex(out, 17, h, sizeof(h));
}

static void derive(struct wf_key *k, const unsigned char secret[32])
{
	unsigned char seed[crypto_sign_SEEDBYTES];
	crypto_kdf_derive_from_key(k->mac, sizeof(k->mac), 1, KDF_CONTEXT, secret);
	crypto_kdf_derive_from_key(seed, sizeof(seed), 2, KDF_CONTEXT, secret);
	crypto_sign_seed_keypair(k->pk, k->sk, seed);
	sodium_memzero(seed, sizeof(seed));
	k->have = true;
}

static int damaged(const char *path, struct pd_error *err)
{
	return pd_error_at(err, PD_ECONFIG, path, 0, 0, NULL,
	                   "not an audit key file, or a damaged one (its check line does not "
	                   "match): restore it from its copy");
}

static int load(const char *path, struct wf_key *k, struct pd_error *err)
{
	char text[512], body[256], check[17], hex[65], want[17];
	unsigned char secret[32];
	long long from = 0;
	struct stat sb;
	size_t n = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return pd_error_at(err, errno == ENOENT ? PD_ENOTFOUND : PD_EIO, path, 0, 0, NULL,
		                   "cannot read the audit key: %s", strerror(errno));
	if (fstat(fd, &sb) == 0 && (sb.st_mode & 077)) {
		close(fd);
		return pd_error_at(err, PD_ECONFIG, path, 0, 0, NULL,
		                   "the audit key may be read by others (mode %03o): make it 0600",
		                   (unsigned)(sb.st_mode & 0777));
	}
	ssize_t got;
	while (n < sizeof(text) - 1 && (got = read(fd, text + n, sizeof(text) - 1 - n)) > 0)
		n += (size_t)got;
	close(fd);
	text[n] = '\0';
	if (sscanf(text, KEY_HEADER "\nsecret %64[0-9a-f]\nfrom %lld\ncheck %16[0-9a-f]\n", hex,
	           &from, check) != 3 ||
	    strlen(hex) != 64 || from < 1 ||
	    sodium_hex2bin(secret, sizeof(secret), hex, 64, NULL, NULL, NULL) != 0)
		return damaged(path, err);
	body_of(secret, from, body, sizeof(body));
	check_of(body, want);
	if (strcmp(want, check) != 0 || strncmp(text, body, strlen(body)) != 0) {
		sodium_memzero(secret, sizeof(secret));
		return damaged(path, err);
	}
	k->from = from;
	derive(k, secret);
	sodium_memzero(secret, sizeof(secret));
	sodium_memzero(text, sizeof(text));
	return 0;
}

/* Makes the key file: O_EXCL, so of two writers starting together one makes
 * it and the other reads it. */
static int create(const char *path, int64_t from, struct wf_key *k, struct pd_error *err)
{
	unsigned char secret[32];
	char body[256], check[17], text[300];
	randombytes_buf(secret, sizeof(secret));
	body_of(secret, from, body, sizeof(body));
	check_of(body, check);
	snprintf(text, sizeof(text), "%scheck %s\n", body, check);
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0) {
		sodium_memzero(secret, sizeof(secret));
		if (errno == EEXIST)
			return load(path, k, err);
		return pd_error_at(err, PD_EIO, path, 0, 0, NULL, "cannot create the audit key: %s",
		                   strerror(errno));
	}
	size_t len = strlen(text);
	bool ok = write(fd, text, len) == (ssize_t)len && fsync(fd) == 0;
	ok = close(fd) == 0 && ok;
	sodium_memzero(text, sizeof(text));
	if (!ok) {
		unlink(path);
		sodium_memzero(secret, sizeof(secret));
		return pd_error_at(err, PD_EIO, path, 0, 0, NULL, "cannot write the audit key: %s",
		                   strerror(errno));
	}
	k->from = from;
	derive(k, secret);
	sodium_memzero(secret, sizeof(secret));
	return 0;
}

int wf_audit_key(struct pd_store *store, bool make, int64_t next_seq, struct wf_key *k,
                 struct pd_error *err)
{
	const char *path = pd_store_audit_key_path(store);
	int rc;
	memset(k, 0, sizeof(*k));
	if ((rc = wf_sodium(err)))
		return rc;
	if (!path) {
		if (!make)
			return 0;
		return pd_error_set(
		    err, PD_ECONFIG,
		    "no audit key: a %s store needs its path in PERMITDESK_AUDIT_KEY "
		    "(or --audit-key), kept outside the database",
		    pd_store_backend_name(store));
	}
	rc = load(path, k, err);
	if (rc == -PD_ENOTFOUND) {
		if (!make) {
			pd_error_clear(err);
			return 0; /* verify: every entry unkeyed, or it says so */
		}
		rc = create(path, next_seq, k, err);
	}
	if (rc)
		return rc;
	if (make && k->from > next_seq) {
		wf_key_wipe(k);
		return pd_error_at(
		    err, PD_ECONFIG, path, 0, 0, NULL,
		    "the audit key starts at entry %lld but this trail's next entry is "
		    "%lld: it is another trail's key",
		    (long long)k->from, (long long)next_seq);
	}
	return 0;
}

void wf_key_wipe(struct wf_key *k)
{
	sodium_memzero(k, sizeof(*k));
}
