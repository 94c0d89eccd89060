/*
 * auth.c: who is acting.  Every command that acts as a user (--as USER)
 * proves it, as the HTTP API's users do (workflow.h, sessions):
 *
 *   --token TOKEN, or PERMITDESK_TOKEN: a session token from
 *       POST /api/v1/sessions, checked with pd_session_check(); it must be
 *       the session of USER;
 *   else the password of USER: read from the terminal without echo when
 *       standard input is one (termios), else the first line of standard
 *       input (scripts: printf '%s\n' "$PW" | permitdesk ...).
 *
 * A wrong password, an unknown or disabled user, a forged, expired or ended
 * token are all -PD_EAUTH (exit 77) and take the time of a password check
 * (pd_user_authenticate), so the answer does not tell which.  Without --as a
 * read command acts as the operator, whoever can read the database file.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include <sodium.h>

#include "cli.h"
#include "permitdesk/workflow.h"

int cli_read_line(FILE *in, char *buf, size_t size, size_t *len)
{
	if (!fgets(buf, (int)size, in)) {
		buf[0] = '\0';
		*len = 0;
		return 0;
	}
	size_t n = strlen(buf);
	if (n && buf[n - 1] != '\n' && !feof(in))
		return -1; /* longer than the buffer */
	while (n && (buf[n - 1] == '\n' || buf[n - 1] == '\r'))
		n--;
	buf[n] = '\0';
	*len = n;
	return 0;
}

/* The password of `user`: at a terminal with the echo off, else the first
 * line of standard input. */
static int read_password(const char *user, char *buf, size_t size, size_t *len,
                         struct pd_error *err)
{
	struct termios old, quiet;
	bool tty = isatty(STDIN_FILENO) && tcgetattr(STDIN_FILENO, &old) == 0;
	int rc;

	if (tty) {
		fprintf(stderr, "password for %s: ", user);
		fflush(stderr);
		quiet = old;
		quiet.c_lflag &= ~(tcflag_t)(ECHO | ECHONL);
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
	}
	rc = cli_read_line(stdin, buf, size, len);
	if (tty) {
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
		fputc('\n', stderr);
	}
	if (rc)
		return pd_error_set(err, PD_EAUTH, "wrong user name or password");
	if (*len == 0)
		return pd_error_set(err, PD_EAUTH,
		                    "--as %s needs a proof: the password on standard input (or at "
		                    "the terminal), or --token TOKEN (or PERMITDESK_TOKEN)",
		                    user);
	return 0;
}

int cli_prove(struct pd_store *store, const char *as, const char *token, struct pd_actor *out,
              struct pd_error *err)
{
	char password[CLI_PASSWORD_MAX];
	size_t len = 0;
	int rc;

	if (!token || !token[0])
		token = getenv("PERMITDESK_TOKEN");
	if (token && token[0]) {
		struct pd_session s;
		if ((rc = pd_session_check(store, token, strlen(token), &s, err)))
			return rc;
		if (strcmp(s.actor.name, as) != 0)
			return pd_error_set(err, PD_EAUTH,
			                    "the token is a session of another user, not of '%s'",
			                    as);
		*out = s.actor;
		return 0;
	}
	if ((rc = read_password(as, password, sizeof(password), &len, err)) == 0)
		rc = pd_user_authenticate(store, as, password, len, out, err);
	sodium_memzero(password, sizeof(password));
	return rc;
}
