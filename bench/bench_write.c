/*
 * bench_write.c: how fast results are written as JSON.
 *
 * Builds one typical result by hand (15 findings, 8 materials with a
 * conditional one and details, questions, every limit and date, fee,
 * deposit, representation, notices; about 5 KB of JSON) and writes it
 * N times (default 1,000,000) into one buffer reset between results, as a
 * batch run does.  Prints results/s and MB/s.
 *
 *   bench_write [N] [--pretty] [--text]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "permitdesk/codec.h"

/* Policy texts as the compiler leaves them: plain and pre-escaped once. */
struct bench_text {
	struct pd_text t;
	struct pd_buf en, zh;
};

static void text_make(struct bench_text *bt, const char *en, const char *zh)
{
	pd_buf_init(&bt->en, 0);
	pd_buf_init(&bt->zh, 0);
	pd_json_escape(&bt->en, en, strlen(en));
	pd_json_escape(&bt->zh, zh, strlen(zh));
	bt->t.en = en;
	bt->t.zh = zh;
	bt->t.en_json = bt->en.data;
	bt->t.zh_json = bt->zh.data;
}

static void text_free(struct bench_text *bt)
{
	pd_buf_free(&bt->en);
	pd_buf_free(&bt->zh);
}

enum { N_FINDINGS = 15, N_MATERIALS = 8, N_NOTICES = 3, N_TEXTS = N_FINDINGS + N_MATERIALS + 6 };

static double now_seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	long n = 1000000;
	bool pretty = false, text = false;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--pretty") == 0)
			pretty = true;
		else if (strcmp(argv[i], "--text") == 0)
			text = true;
		else
			n = strtol(argv[i], NULL, 10);
	}
	if (n <= 0)
		n = 1;

	/* Texts of the lengths policy packs have: a line of English, a line of Chinese. */
	static const char *const en[] = {
	    "Valid passport or other international travel document.",
	    "Foreigner Visa and Residence Permit Application Form, filled in and signed.",
	    "Letter from the person visited explaining the \"family\" relationship.",
	    "Stay of up to 180 days for visiting family members (Q2).",
	    "Apply at least 7 days before the stay permitted by the visa ends.",
	    "Register the accommodation within 24 hours of arrival.",
	};
	static const char *const zh[] = {
	    "有效护照或其他国际旅行证件。",
	    "《外国人签证证件申请表》，填写完整并签名。",
	    "被探望人出具的说明亲属关系的邀请函件。",
	    "探亲（Q2）停留期最长不超过180日。",
	    "应当在签证注明的停留期届满7日前提出申请。",
	    "抵达后24小时内办理住宿登记。",
	};
	static struct bench_text texts[N_TEXTS];
	for (int i = 0; i < N_TEXTS; i++)
		text_make(&texts[i], en[i % 6], zh[i % 6]);

	static const char *const rules[] = {"national/visa-extension[Q2]", "national/good-record",
	                                    "zhejiang/photo-receipt", "national/passport-validity",
	                                    "national/apply-before-expiry"};
	static const char *const sources[] = {"003 6.2(7)", "000 II.1", "002 II(IV)", "003 5.1",
	                                      "001 II.2"};
	struct pd_finding findings[N_FINDINGS];
	memset(findings, 0, sizeof(findings));
	for (int i = 0; i < N_FINDINGS; i++) {
		findings[i].origin.rule = rules[i % 5];
		findings[i].origin.source = sources[i % 5];
		findings[i].origin.layer = i % 3 ? "national" : "zhejiang";
		findings[i].origin.replaces = i % 7 == 0 ? "national" : NULL;
		findings[i].outcome = (enum pd_outcome)(i % 4);
		findings[i].text = &texts[i].t;
		if (i % 5 == 0) {
			findings[i].detail_en = "requested 200 days, at most 180";
			findings[i].detail_zh = "申请200日，最长180日";
		}
	}

	static const char *const ids[] = {"passport",
	                                  "application_form",
	                                  "photo",
	                                  "current_permit",
	                                  "invitation_letter",
	                                  "kinship_proof",
	                                  "accommodation_registration",
	                                  "health_certificate"};
	struct pd_material materials[N_MATERIALS];
	memset(materials, 0, sizeof(materials));
	for (int i = 0; i < N_MATERIALS; i++) {
		materials[i].id = ids[i];
		materials[i].status = (enum pd_mstatus)(i % 3);
		materials[i].text = &texts[N_FINDINGS + i].t;
		materials[i].origin = findings[i].origin;
	}
	materials[5].status = PD_MAT_NEEDS_NOTARIZATION;
	materials[5].detail_en = "issued abroad and not notarized";
	materials[5].detail_zh = "境外出具，未经公证";
	materials[7].conditional.w[0] = (uint64_t)1 << PD_F_APPLICANT_AGE;

	int questions[] = {PD_F_APPLICANT_GOOD_RECORD, PD_F_APPLICANT_MARRIED};

	struct pd_notice notices[N_NOTICES];
	for (int i = 0; i < N_NOTICES; i++) {
		notices[i].id = "accommodation_registration_24h";
		notices[i].text = &texts[N_FINDINGS + N_MATERIALS + i].t;
		notices[i].origin = findings[i].origin;
	}

	struct pd_result r;
	memset(&r, 0, sizeof(r));
	r.verdict = PD_VERDICT_INCOMPLETE;
	r.jurisdiction = "zhejiang";
	r.date = pd_date_from_ymd(2026, 9, 28);
	r.pack = "zhejiang";
	r.version = "5d41402abc4b2a76b9719d911017c592";
	r.findings = findings;
	r.n_findings = N_FINDINGS;
	r.materials = materials;
	r.n_materials = N_MATERIALS;
	r.questions = questions;
	r.n_questions = 2;
	r.limits.max_days = 180;
	r.limits.max_days_origin.source = "003 6.2(7)";
	r.limits.max_visa_validity_days = -1;
	r.limits.valid_until_max = pd_date_from_ymd(2031, 4, 15);
	r.limits.valid_until_origin.source = "000 III";
	r.fee.present = true;
	r.fee.known = true;
	r.fee.cny = 160;
	r.fee.text = &texts[N_TEXTS - 3].t;
	r.fee.origin.source = "fee 2";
	r.deposit.present = false;
	r.dates.apply_by = pd_date_from_ymd(2026, 10, 1);
	r.dates.apply_by_origin.source = "003 6.1";
	r.dates.decision_by = pd_date_from_ymd(2026, 10, 16);
	r.dates.decision_origin.source = "001 4";
	r.dates.processing_days = 7;
	r.dates.receipt_valid_until = pd_date_from_ymd(2026, 10, 23);
	r.dates.receipt_origin.source = "001 5";
	r.dates.receipt_days = 10;
	r.representation.present = true;
	r.representation.agent_allowed = 1;
	r.representation.in_person_required = 0;
	r.representation.text = &texts[N_TEXTS - 2].t;
	r.representation.origin.source = "002 I";
	r.notices = notices;
	r.n_notices = N_NOTICES;

	struct pd_buf out;
	pd_buf_init(&out, 0);
	size_t bytes = 0;
	double t0 = now_seconds();
	for (long i = 0; i < n; i++) {
		pd_buf_reset(&out);
		int rc = text ? pd_result_write_text(&r, NULL, &out)
		              : pd_result_write_json(&r, pretty, &out);
		if (rc) {
			fprintf(stderr, "bench_write: %s\n", pd_strerror(rc));
			return 70;
		}
		bytes += out.len;
	}
	double dt = now_seconds() - t0;
	if (dt <= 0)
		dt = 1e-9;

	printf("bench_write: %ld results (%s), %zu bytes each, %.3f s\n", n,
	       text     ? "text"
	       : pretty ? "pretty json"
	                : "json",
	       out.len, dt);
	printf("  %.0f results/s, %.1f MB/s, %.0f ns per result\n", (double)n / dt,
	       (double)bytes / dt / 1e6, dt / (double)n * 1e9);

	pd_buf_free(&out);
	for (int i = 0; i < N_TEXTS; i++)
		text_free(&texts[i]);
	return 0;
}
