/*
 * workflow/txn.c: running a write transaction again when the store asks.
 *
 * A store shared by several servers (PostgreSQL) may abort a transaction
 * that did nothing wrong: a deadlock, a serialization failure, a connection
 * lost before COMMIT.  It then answers -PD_ERETRY, having written nothing, and
 * cannot replay the transaction itself: only the workflow knows what it read
 * and decided.  Every public function of the workflow that writes is one
 * attempt (a static *_once function that begins, reads, decides, writes and
 * commits) and a loop around it that asks wf_txn_again() whether to run it
 * once more.  The policy lives here alone: how many attempts, and how long
 * to wait between them (a random pause that grows, so that the transactions
 * that collided do not collide again).  Any other outcome, success or error,
 * ends the loop; a commit whose outcome is unknown is -PD_ESTORE, never
 * -PD_ERETRY, so it is never replayed.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "workflow_int.h"

bool wf_txn_again(int rc, int *attempt, struct pd_error *err)
{
	if (rc != -PD_ERETRY)
		return false;
	if (++*attempt >= WF_TXN_ATTEMPTS) {
		if (err) {
			char was[sizeof(err->message)];
			snprintf(was, sizeof(was), "%s", err->message);
			pd_error_set(err, PD_ERETRY, "%s (given up after %d attempts)", was,
			             *attempt);
		}
		return false;
	}
	/* 1 to 2 ms the first time, up to 16 to 32 ms the fourth */
	long us = 1000L << (*attempt - 1);
	if (sodium_init() >= 0)
		us += (long)randombytes_uniform((uint32_t)us);
	struct timespec ts = {us / 1000000, (us % 1000000) * 1000};
	nanosleep(&ts, NULL);
	return true;
}
