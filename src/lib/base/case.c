/*
 * case.c: the schema of a case (the fact table and vocabularies of case.h,
 * with what each word means in English and Chinese) and the few helpers that
 * fill and derive facts.
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

/*
 * What each word means, for people: {en, zh} in the order of the word's
 * vocabulary in PD_VOCAB_MAP (case.h), which holds the one copy of each word.
 * The Chinese terms are the official ones: the actions of the Regulations
 * (Arts. 10-12: 签发, 延期, 换发, 补发), the kinds of residence permit (Art. 15:
 * 工作类, 学习类, 记者类, 团聚类, 私人事务类), the visa categories by letter
 * (Art. 6), the kinship terms and sponsor situations of 001 and 002.  A static
 * assert below holds each list to its vocabulary's length.
 */
struct vocab_label {
	const char *en, *zh;
};

static const struct vocab_label labels_DOCUMENT[] = {
    {"Residence permit", "居留许可"},
    {"Visa", "签证"},
};
static const struct vocab_label labels_ACTION[] = {
    {"Issuance", "签发"},
    {"Extension", "延期"},
    {"Renewal", "换发"},
    {"Re-issue", "补发"},
    {"Change of registered items", "变更登记事项"},
};
static const struct vocab_label labels_PURPOSE[] = {
    {"Family reunion", "团聚"},
    {"Fostering", "寄养"},
    {"Personal affairs", "私人事务"},
};
static const struct vocab_label labels_BASIS[] = {
    {"Visiting a relative who resides in China as a foreigner", "探望在华居留的外国人亲属"},
    {"Medical treatment", "就医"},
    {"Retirement", "养老"},
    {"Minor visiting a parent", "未成年人探望父母"},
    {"Humanitarian reasons", "人道主义原因"},
};
static const struct vocab_label labels_VISA_TYPE[] = {
    {"C visa (crew)", "C字签证（乘务）"},
    {"F visa (exchanges, visits)", "F字签证（交流访问）"},
    {"G visa (transit)", "G字签证（过境）"},
    {"J2 visa (short-term journalist)", "J2字签证（短期采访记者）"},
    {"L visa (tourism)", "L字签证（旅游）"},
    {"M visa (business and trade)", "M字签证（商业贸易）"},
    {"Q2 visa (short family visit)", "Q2字签证（短期探亲）"},
    {"R visa (high-level talent)", "R字签证（高层次人才）"},
    {"S2 visa (short private visit)", "S2字签证（短期探亲及私人事务）"},
    {"X2 visa (short-term study)", "X2字签证（短期学习）"},
};
static const struct vocab_label labels_STATUS_TYPE[] = {
    {"C visa (crew)", "C字签证（乘务）"},
    {"D visa (permanent residence)", "D字签证（永久居留）"},
    {"F visa (exchanges, visits)", "F字签证（交流访问）"},
    {"G visa (transit)", "G字签证（过境）"},
    {"J1 visa (resident journalist)", "J1字签证（常驻记者）"},
    {"J2 visa (short-term journalist)", "J2字签证（短期采访记者）"},
    {"L visa (tourism)", "L字签证（旅游）"},
    {"M visa (business and trade)", "M字签证（商业贸易）"},
    {"Q1 visa (family reunion, fostering)", "Q1字签证（家庭团聚、寄养）"},
    {"Q2 visa (short family visit)", "Q2字签证（短期探亲）"},
    {"R visa (high-level talent)", "R字签证（高层次人才）"},
    {"S1 visa (long private visit)", "S1字签证（长期探亲及私人事务）"},
    {"S2 visa (short private visit)", "S2字签证（短期探亲及私人事务）"},
    {"X1 visa (long-term study)", "X1字签证（长期学习）"},
    {"X2 visa (short-term study)", "X2字签证（短期学习）"},
    {"Z visa (work)", "Z字签证（工作）"},
    {"Residence permit for family reunion", "团聚类居留许可"},
    {"Residence permit for fostering", "团聚类居留许可（寄养）"},
    {"Residence permit for personal affairs", "私人事务类居留许可"},
    {"Residence permit for work", "工作类居留许可"},
    {"Residence permit for study", "学习类居留许可"},
    {"Residence permit for journalists", "记者类居留许可"},
};
static const struct vocab_label labels_ENTRIES[] = {
    {"Zero entries", "零次"},
    {"One entry", "一次"},
    {"Two entries", "二次"},
    {"Multiple entries", "多次"},
};
static const struct vocab_label labels_RENEWAL_REASON[] = {
    {"New passport", "换领新护照"},
    {"Accompanying person added", "增加偕行人"},
    {"Change of the reason for stay", "变更停留事由"},
    {"Staying apart from the group", "分团停留"},
    {"Other reason", "其他原因"},
    {"Accompanying person removed", "减少偕行人"},
};
static const struct vocab_label labels_REISSUE_REASON[] = {
    {"Lost", "遗失"},
    {"Stolen or robbed", "被盗抢"},
    {"Damaged", "损毁"},
};
static const struct vocab_label labels_SPONSOR_CATEGORY[] = {
    {"Chinese citizen with local household registration", "本地户籍中国公民"},
    {"Chinese citizen registered elsewhere, living here", "非本地户籍中国公民"},
    {"Overseas Chinese (Chinese citizen settled abroad)", "华侨"},
    {"Hong Kong or Macao resident", "港澳居民"},
    {"Taiwan resident", "台湾居民"},
    {"Foreigner with permanent residence in China", "具有中国永久居留资格的外国人"},
    {"Foreigner residing in China for work, study or as a journalist",
     "因工作、学习等事由在华居留的外国人"},
};
static const struct vocab_label labels_RELATIONSHIP[] = {
    {"Spouse", "配偶"},
    {"Parent", "父母"},
    {"Parent of the spouse", "配偶的父母"},
    {"Child", "子女"},
    {"Brother or sister", "兄弟姐妹"},
    {"Grandparent", "祖父母、外祖父母"},
    {"Grandparent of the spouse", "配偶的祖父母、外祖父母"},
    {"Grandchild", "孙子女、外孙子女"},
    {"Spouse of a grandchild", "孙子女、外孙子女的配偶"},
    {"Spouse of a child", "子女的配偶"},
    {"Foster child", "被寄养人"},
    {"Other", "其他"},
};
static const struct vocab_label labels_PERMIT_KIND[] = {
    {"Work", "工作类"},           {"Study", "学习类"},     {"Journalist", "记者类"},
    {"Family reunion", "团聚类"}, {"Fostering", "寄养类"}, {"Personal affairs", "私人事务类"},
};
static const struct vocab_label labels_AGENT_RELATION[] = {
    {"A relative of the applicant", "申请人的亲属"},
    {"The inviting unit's staff or the inviting individual", "邀请单位工作人员或邀请人"},
    {"A specialised service agency", "有关专门服务机构"},
};
static const struct vocab_label labels_VISIT_REASON[] = {
    {"Tourism", "旅游"},
    {"Family visit", "探亲"},
    {"Seeking refuge with relatives", "投靠亲属"},
    {"Property purchase", "购房"},
    {"Fostering", "寄养"},
    {"Medical treatment", "就医"},
    {"Other private affairs", "其他私人事务"},
};

#define PD_X_LABELS(name, label, ...)                                                              \
	_Static_assert(sizeof(labels_##name) / sizeof(labels_##name[0]) ==                         \
	                   sizeof(words_##name) / sizeof(words_##name[0]),                         \
	               "every word of " label " has one label");
PD_VOCAB_MAP(PD_X_LABELS)
#undef PD_X_LABELS

static const struct vocab_label *const vocab_labels[PD_VOCAB_COUNT] = {
#define PD_X_LABELS(name, label, ...) [PD_VOCAB_##name] = labels_##name,
    PD_VOCAB_MAP(PD_X_LABELS)
#undef PD_X_LABELS
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

const char *pd_vocab_label(enum pd_vocab_id vocab, int word, const char *lang)
{
	if ((unsigned)vocab >= PD_VOCAB_COUNT || word < 0 || word >= pd_vocabs[vocab].count)
		return NULL;
	const struct vocab_label *l = &vocab_labels[vocab][word];
	return lang && strcmp(lang, "zh") == 0 ? l->zh : l->en;
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
