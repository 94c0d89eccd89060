/*
 * metrics.c: the server's counters and GET /metrics in the Prometheus text
 * exposition format (version 0.0.4).
 *
 * Requests are counted by route (the pattern of its row, so case ids never
 * become label values), method and status, with a latency histogram per
 * route.  Counters are atomics written by every worker thread without a lock;
 * a scrape reads them as they are.  Cases by state and overdue cases are
 * asked of the store at each scrape (pd_workflow_counts), so several servers
 * on one database report the same numbers.
 */
#include <stdlib.h>
#include <string.h>

#include "http_int.h"

/* Upper bounds of the latency buckets, in microseconds ("le" in seconds). */
static const int64_t bucket_us[METRIC_BUCKETS] = {500,   1000,   2500,   5000,   10000,   25000,
                                                  50000, 100000, 250000, 500000, 1000000, 2500000};

int metrics_init(struct metrics *m, size_t n_routes)
{
	memset(m, 0, sizeof(*m));
	m->routes = calloc(n_routes + 1, sizeof(*m->routes));
	if (!m->routes)
		return -PD_ENOMEM;
	m->n_routes = n_routes;
	return 0;
}

void metrics_free(struct metrics *m)
{
	free(m->routes);
	m->routes = NULL;
}

void metrics_observe(struct metrics *m, size_t route, int status, int64_t us)
{
	if (!m->routes)
		return;
	struct route_metrics *rm = &m->routes[route < m->n_routes ? route : m->n_routes];
	int b = 0;
	while (b < METRIC_BUCKETS && us > bucket_us[b])
		b++;
	if (b < METRIC_BUCKETS)
		atomic_fetch_add(&rm->buckets[b], 1);
	atomic_fetch_add(&rm->count, 1);
	atomic_fetch_add(&rm->sum_us, us);
	for (int i = 0; i < METRIC_STATUSES; i++) {
		int have = atomic_load(&rm->by_status[i].status);
		if (have == 0) {
			int expected = 0;
			have = atomic_compare_exchange_strong(&rm->by_status[i].status, &expected,
			                                      status)
			           ? status
			           : expected;
		}
		if (have == status) {
			atomic_fetch_add(&rm->by_status[i].n, 1);
			return;
		}
	}
	/* More distinct statuses than slots on one route: counted in the histogram only. */
}

static void route_labels(struct pd_buf *out, size_t i)
{
	if (i < http_n_routes)
		pd_buf_printf(out, "route=\"%s\",method=\"%s\"", http_routes[i].pattern,
		              http_routes[i].method);
	else
		pd_buf_puts(out, "route=\"unmatched\",method=\"\"");
}

int metrics_write(struct pd_http_server *srv, struct pd_buf *out, struct pd_error *err)
{
	struct metrics *m = &srv->metrics;

	pd_buf_puts(out, "# HELP permitdesk_build_info The version of this program.\n"
	                 "# TYPE permitdesk_build_info gauge\n");
	pd_buf_printf(out, "permitdesk_build_info{version=\"%s\"} 1\n", PD_HTTP_VERSION);
	pd_buf_printf(out,
	              "# HELP permitdesk_start_time_seconds When the server started.\n"
	              "# TYPE permitdesk_start_time_seconds gauge\n"
	              "permitdesk_start_time_seconds %.3f\n",
	              (double)srv->started_at_us / 1e6);

	pd_buf_puts(out, "# HELP permitdesk_http_requests_total Requests answered, by route, "
	                 "method and status.\n"
	                 "# TYPE permitdesk_http_requests_total counter\n");
	for (size_t i = 0; i <= m->n_routes; i++)
		for (int s = 0; s < METRIC_STATUSES; s++) {
			int status = atomic_load(&m->routes[i].by_status[s].status);
			if (!status)
				break;
			pd_buf_puts(out, "permitdesk_http_requests_total{");
			route_labels(out, i);
			pd_buf_printf(out, ",status=\"%d\"} %lld\n", status,
			              (long long)atomic_load(&m->routes[i].by_status[s].n));
		}

	pd_buf_puts(out, "# HELP permitdesk_http_request_duration_seconds Time to answer a "
	                 "request, by route.\n"
	                 "# TYPE permitdesk_http_request_duration_seconds histogram\n");
	for (size_t i = 0; i <= m->n_routes; i++) {
		long long count = atomic_load(&m->routes[i].count);
		if (!count)
			continue;
		long long cum = 0;
		for (int b = 0; b < METRIC_BUCKETS; b++) {
			cum += atomic_load(&m->routes[i].buckets[b]);
			pd_buf_puts(out, "permitdesk_http_request_duration_seconds_bucket{");
			route_labels(out, i);
			pd_buf_printf(out, ",le=\"%g\"} %lld\n", (double)bucket_us[b] / 1e6, cum);
		}
		pd_buf_puts(out, "permitdesk_http_request_duration_seconds_bucket{");
		route_labels(out, i);
		pd_buf_printf(out, ",le=\"+Inf\"} %lld\n", count);
		pd_buf_puts(out, "permitdesk_http_request_duration_seconds_sum{");
		route_labels(out, i);
		pd_buf_printf(out, "} %.6f\n", (double)atomic_load(&m->routes[i].sum_us) / 1e6);
		pd_buf_puts(out, "permitdesk_http_request_duration_seconds_count{");
		route_labels(out, i);
		pd_buf_printf(out, "} %lld\n", count);
	}

	pd_buf_printf(out,
	              "# HELP permitdesk_http_requests_in_flight Requests being answered now.\n"
	              "# TYPE permitdesk_http_requests_in_flight gauge\n"
	              "permitdesk_http_requests_in_flight %lld\n",
	              (long long)atomic_load(&m->in_flight));

	pd_buf_puts(out, "# HELP permitdesk_checks_total Cases checked (POST /api/v1/check), by "
	                 "verdict.\n"
	                 "# TYPE permitdesk_checks_total counter\n");
	for (int v = 0; v < 4; v++)
		pd_buf_printf(out, "permitdesk_checks_total{verdict=\"%s\"} %lld\n",
		              pd_verdict_name((enum pd_verdict)v),
		              (long long)atomic_load(&m->checks[v]));

	/* The policy in force. */
	struct generation *g = server_policy_acquire(srv);
	pd_buf_puts(out, "# HELP permitdesk_policy_info The packs in force and their versions.\n"
	                 "# TYPE permitdesk_policy_info gauge\n");
	for (size_t i = 0; i < pd_policy_pack_count(g->pol); i++) {
		const struct pd_pack *p = pd_policy_pack_at(g->pol, i);
		pd_buf_printf(out, "permitdesk_policy_info{pack=\"%s\",version=\"%s\"} 1\n",
		              pd_pack_id(p), pd_pack_version(p));
	}
	int first = 0, last = 0;
	pd_calendar_range(pd_policy_calendar(g->pol), &first, &last);
	pd_buf_printf(out,
	              "# HELP permitdesk_policy_loaded_timestamp_seconds When the policy in force "
	              "was loaded.\n"
	              "# TYPE permitdesk_policy_loaded_timestamp_seconds gauge\n"
	              "permitdesk_policy_loaded_timestamp_seconds %.3f\n"
	              "# HELP permitdesk_policy_load_duration_seconds How long loading it took.\n"
	              "# TYPE permitdesk_policy_load_duration_seconds gauge\n"
	              "permitdesk_policy_load_duration_seconds %.6f\n"
	              "# HELP permitdesk_calendar_last_year The last year the working-day "
	              "calendar covers.\n"
	              "# TYPE permitdesk_calendar_last_year gauge\n"
	              "permitdesk_calendar_last_year %d\n"
	              "# HELP permitdesk_calendar_covered_days Days from today to the end of the "
	              "last year the calendar covers without a gap (0: today's year is not "
	              "covered).\n"
	              "# TYPE permitdesk_calendar_covered_days gauge\n"
	              "permitdesk_calendar_covered_days %d\n"
	              "# HELP permitdesk_calendar_year_missing The year whose holiday notice is "
	              "missing: today's, or from 1 December the next (0: none; GET "
	              "/api/v1/health warns).\n"
	              "# TYPE permitdesk_calendar_year_missing gauge\n"
	              "permitdesk_calendar_year_missing %d\n",
	              (double)g->loaded_at_us / 1e6, g->load_seconds, last,
	              pd_calendar_days_covered(pd_policy_calendar(g->pol), pd_today()),
	              pd_calendar_missing_year(pd_policy_calendar(g->pol), pd_today()));
	server_policy_release(g);

	/* Cases, from the store. */
	struct pd_store *store;
	int64_t by_state[PD_STATE_COUNT], overdue = 0;
	int rc = server_store(srv, &store, err);
	if (rc == 0)
		rc = pd_workflow_counts(store, pd_today(), by_state, &overdue, err);
	if (rc)
		return rc;
	pd_buf_puts(out, "# HELP permitdesk_cases Cases in the store, by state.\n"
	                 "# TYPE permitdesk_cases gauge\n");
	for (int s = 0; s < PD_STATE_COUNT; s++)
		pd_buf_printf(out, "permitdesk_cases{state=\"%s\"} %lld\n",
		              pd_state_name((enum pd_state)s), (long long)by_state[s]);
	pd_buf_printf(out,
	              "# HELP permitdesk_cases_overdue Open cases past their decision date.\n"
	              "# TYPE permitdesk_cases_overdue gauge\n"
	              "permitdesk_cases_overdue %lld\n",
	              (long long)overdue);
	return out->failed ? -PD_ENOMEM : 0;
}
