/*
 * case.c: the schema of a case (the fact table and vocabularies of case.h)
 * and the few helpers that fill and derive facts.
 */
#include <string.h>

#include "permitdesk/case.h"

#define PD_X_WORDS(name, label, ...) static const char *const words_##name[] = {__VA_ARGS__};
PD_VOCAB_MAP(PD_X_WORDS)
#undef PD_X_WORDS

const struct pd_vocab pd_vocabs[PD_VOCAB_COUNT] = {
#define PD_X_VOCAB(name, label, ...)                                                               \
	[PD_VOCAB_##                                                                               \
	    name] = {label, words_##name, (int)(sizeof(words_##name) / sizeof(words_##name[0]))},
    PD_VOCAB_MAP(PD_X_VOCAB)
#undef PD_X_VOCAB
};

const struct pd_fact_def pd_facts[PD_FACT_COUNT] = {
#define PD_X_FACT(name, path, type, vocab, flags, en, zh)                                          \
	[PD_F_##name] = {path, type, vocab, flags, en, zh},
    PD_FACT_MAP(PD_X_FACT)
#undef PD_X_FACT
};

_Static_assert(PD_FACT_COUNT <= 64 * PD_FACTSET_WORDS, "grow PD_FACTSET_WORDS");

int pd_vocab_find(enum pd_vocab_id vocab, const char *word, size_t len)
{
	const struct pd_vocab *v = &pd_vocabs[vocab];
	for (int i = 0; i < v->count; i++)
		if (strlen(v->words[i]) == len && memcmp(v->words[i], word, len) == 0)
			return i;
	return -1;
}

int pd_fact_find(const char *path, size_t len)
{
	for (int i = 0; i < PD_FACT_COUNT; i++)
		if (strlen(pd_facts[i].path) == len && memcmp(pd_facts[i].path, path, len) == 0)
			return i;
	return -1;
}

void pd_case_init(struct pd_case *c)
{
	memset(c, 0, sizeof(*c));
	for (int i = 0; i < PD_FACT_COUNT; i++)
		c->facts[i].type = (uint8_t)pd_facts[i].type;
}

void pd_case_derive(struct pd_case *c)
{
	struct pd_value *age = &c->facts[PD_F_APPLICANT_AGE];
	const struct pd_value *birth = &c->facts[PD_F_APPLICANT_BIRTH_DATE];
	const struct pd_value *date = &c->facts[PD_F_DATE];
	age->known = birth->known && date->known;
	age->i = age->known ? pd_age_years(birth->i, date->i) : 0;

	struct pd_value *agent = &c->facts[PD_F_AGENT_PRESENT];
	agent->known = c->agent_given; /* the decoder set i: 1 for an object, 0 for null */
}

void pd_case_set_bool(struct pd_case *c, enum pd_fact_id f, bool v)
{
	c->facts[f].known = true;
	c->facts[f].i = v;
	if (f == PD_F_AGENT_PRESENT)
		c->agent_given = true;
}

void pd_case_set_int(struct pd_case *c, enum pd_fact_id f, int32_t v)
{
	c->facts[f].known = true;
	c->facts[f].i = v;
}

void pd_case_set_date(struct pd_case *c, enum pd_fact_id f, pd_date v)
{
	c->facts[f].known = true;
	c->facts[f].i = v;
}

void pd_case_set_str(struct pd_case *c, enum pd_fact_id f, const char *s)
{
	c->facts[f].known = true;
	c->facts[f].s = s;
	c->facts[f].len = (uint32_t)strlen(s);
}

int pd_case_set_enum(struct pd_case *c, enum pd_fact_id f, const char *word)
{
	int v = pd_facts[f].vocab;
	int idx = v >= 0 ? pd_vocab_find((enum pd_vocab_id)v, word, strlen(word)) : -1;
	if (idx < 0)
		return PD_FAIL(PD_EINPUT);
	c->facts[f].known = true;
	c->facts[f].i = idx;
	return 0;
}
