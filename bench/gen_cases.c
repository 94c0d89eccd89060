/*
 * gen_cases.c: writes N varied visa cases as JSON Lines, for the batch
 * benchmark.  Deterministic (a fixed xorshift seed): the same N gives the same
 * file.  Cases spread over every visa category, action, sponsor category,
 * known and unknown facts and document sets, about 600 bytes each.
 *
 *   gen_cases N [SEED] > cases.jsonl
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "permitdesk/base.h"

static uint64_t state = 88172645463325252ull;

static uint32_t rnd(uint32_t n)
{
	state ^= state << 13;
	state ^= state >> 7;
	state ^= state << 17;
	return (uint32_t)(state % n);
}

static const char *pick(const char *const *v, size_t n)
{
	return v[rnd((uint32_t)n)];
}
#define PICK(a) pick(a, sizeof(a) / sizeof(a[0]))

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: gen_cases N [SEED]\n");
		return 64;
	}
	long n = strtol(argv[1], NULL, 10);
	if (argc > 2)
		state ^= (uint64_t)strtoull(argv[2], NULL, 10) * 2654435761u;
	static const char *const visas[] = {"C", "F", "G", "J2", "L", "M", "Q2", "R", "S2", "X2"};
	static const char *const actions[] = {"extension", "extension", "extension", "renewal",
	                                      "reissue"};
	static const char *const reasons[] = {"change_reason", "new_passport", "add_accompanying",
	                                      "group_split", "other"};
	static const char *const reissue[] = {"lost", "stolen", "damaged"};
	static const char *const entries[] = {"zero", "one", "two", "multiple"};
	static const char *const cats[] = {
	    "citizen_local",   "citizen_nonlocal",   "overseas_chinese", "hk_macao_resident",
	    "taiwan_resident", "permanent_resident", "foreign_resident"};
	static const char *const rels[] = {"spouse",      "parent",       "child", "sibling",
	                                   "grandparent", "child_spouse", "other"};
	static const char *const nats[] = {"SWE", "USA", "DEU", "JPN", "KOR",
	                                   "GBR", "FRA", "RUS", "BRA", "IND"};
	static const char *const docs[] = {"passport",
	                                   "application_form",
	                                   "photo",
	                                   "invitation_letter",
	                                   "kinship_proof",
	                                   "sponsor_id_card",
	                                   "sponsor_household_register",
	                                   "inviting_unit_letter",
	                                   "travel_itinerary",
	                                   "study_certificate"};
	static const char *const bools[] = {"true", "false"};
	pd_date base = pd_date_from_ymd(2024, 1, 2);
	for (long i = 0; i < n; i++) {
		char date[11], birth[11], expiry[11], pexp[11], entry[11], issued[11];
		pd_date d = base + (pd_date)rnd(1090);
		pd_date_format(d, date);
		pd_date_format(d - 365 * (int)(5 + rnd(70)) - (int)rnd(365), birth);
		pd_date_format(d + (int)rnd(60) - 10, expiry);
		pd_date_format(d + 200 + (int)rnd(3000), pexp);
		pd_date_format(d - (int)rnd(300), entry);
		pd_date_format(d - (int)rnd(300), issued);
		const char *action = PICK(actions);
		printf("{\"jurisdiction\":\"%s\",\"date\":\"%s\",\"application\":{\"document\":"
		       "\"visa\",\"action\":\"%s\",\"visa_type\":\"%s\"",
		       rnd(2) ? "zhejiang" : "national", date, action, PICK(visas));
		if (action[1] == 'e' && action[2] == 'n')
			printf(",\"renewal_reason\":\"%s\",\"entries\":\"%s\"", PICK(reasons),
			       PICK(entries));
		else if (action[2] == 'i')
			printf(",\"reissue_reason\":\"%s\"", PICK(reissue));
		printf(",\"requested_days\":%u},", 30 + rnd(150));
		printf(
		    "\"applicant\":{\"name\":\"Applicant %ld\",\"birth_date\":\"%s\","
		    "\"nationality\":\"%s\",\"passport\":{\"number\":\"E%08ld\",\"expiry\":\"%s\"},"
		    "\"status\":{\"document\":\"visa\",\"type\":\"Q2\",\"expiry\":\"%s\","
		    "\"stay_days\":%u,\"entry_date\":\"%s\"}",
		    i, birth, PICK(nats), i % 100000000, pexp, expiry, 30 + rnd(150), entry);
		if (rnd(4))
			printf(",\"first_entry\":%s,\"good_record\":%s", PICK(bools),
			       rnd(10) ? "true" : "false");
		printf("},\"sponsor\":{\"category\":\"%s\",\"relationship\":\"%s\"", PICK(cats),
		       PICK(rels));
		if (rnd(2))
			printf(",\"local_residence_months\":%u", rnd(24));
		printf("},\"documents\":[");
		int nd = (int)rnd(7);
		for (int k = 0; k < nd; k++) {
			printf("%s{\"type\":\"%s\"", k ? "," : "", PICK(docs));
			if (!rnd(3))
				printf(",\"issued\":\"%s\"", issued);
			printf("}");
		}
		printf("],\"agent\":%s}\n", rnd(5) ? "null" : "{\"relation\":\"family_member\"}");
	}
	return 0;
}
