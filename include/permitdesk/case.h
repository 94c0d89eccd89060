/*
 * permitdesk/case.h: what is known about one application (format.md §1).
 *
 * A case is a fixed table of facts, one slot per case path, each known or
 * unknown, plus the list of documents the applicant can show.  The table of
 * facts (PD_FACT_MAP) is the schema: the decoder reads JSON into it, the
 * policy compiler resolves paths in rule conditions to its indexes, and the
 * engine reads slots by index, never by name.
 *
 * Enumerated facts hold an index into their vocabulary (pd_vocab); strings
 * point into memory owned by whoever decoded the case (normally the case's
 * arena).  A case built by hand must keep its strings alive while it is used.
 */
#ifndef PERMITDESK_CASE_H
#define PERMITDESK_CASE_H

#include "permitdesk/base.h"

enum pd_type {
	PD_T_NONE = 0,
	PD_T_BOOL,
	PD_T_INT,
	PD_T_DATE,
	PD_T_DURATION, /* only in policy expressions, never a fact */
	PD_T_ENUM,
	PD_T_STRING,
};

/*
 * Vocabularies: X(NAME, "word", ...).  Index 0 is the first word.
 */
#define PD_VOCAB_MAP(X)                                                                            \
	X(DOCUMENT, "document", "residence_permit", "visa")                                        \
	X(ACTION, "action", "issuance", "extension", "renewal", "reissue", "change")               \
	X(PURPOSE, "purpose", "family_reunion", "fostering", "personal_affairs")                   \
	X(BASIS, "basis", "relative_of_foreign_resident", "medical_treatment", "retirement",       \
	  "minor_visiting_parent", "humanitarian")                                                 \
	X(VISA_TYPE, "visa_type", "C", "F", "G", "J2", "L", "M", "Q2", "R", "S2", "X2")            \
	X(STATUS_TYPE, "status_type", "C", "D", "F", "G", "J1", "J2", "L", "M", "Q1", "Q2", "R",   \
	  "S1", "S2", "X1", "X2", "Z", "family_reunion", "fostering", "personal_affairs", "work",  \
	  "study", "journalist")                                                                   \
	X(ENTRIES, "entries", "zero", "one", "two", "multiple")                                    \
	X(RENEWAL_REASON, "renewal_reason", "new_passport", "add_accompanying", "change_reason",   \
	  "group_split", "other", "remove_accompanying")                                           \
	X(REISSUE_REASON, "reissue_reason", "lost", "stolen", "damaged")                           \
	X(SPONSOR_CATEGORY, "sponsor_category", "citizen_local", "citizen_nonlocal",               \
	  "overseas_chinese", "hk_macao_resident", "taiwan_resident", "permanent_resident",        \
	  "foreign_resident")                                                                      \
	X(RELATIONSHIP, "relationship", "spouse", "parent", "parent_in_law", "child", "sibling",   \
	  "grandparent", "grandparent_in_law", "grandchild", "grandchild_in_law", "child_spouse",  \
	  "foster_child", "other")                                                                 \
	X(PERMIT_KIND, "permit_kind", "work", "study", "journalist", "family_reunion",             \
	  "fostering", "personal_affairs")                                                         \
	X(AGENT_RELATION, "agent_relation", "family_member", "inviter_employee", "service_agency") \
	X(VISIT_REASON, "visit_reason", "tourism", "family_visit", "seeking_refuge",               \
	  "property_purchase", "fostering", "medical_treatment", "private_affairs")

/* clang-format off */
enum pd_vocab_id {
#define PD_X_VOCAB(name, label, ...) PD_VOCAB_##name,
	PD_VOCAB_MAP(PD_X_VOCAB)
#undef PD_X_VOCAB
	PD_VOCAB_COUNT
};
/* clang-format on */

struct pd_vocab {
	const char *name;
	const char *const *words;
	int count;
};
extern const struct pd_vocab pd_vocabs[PD_VOCAB_COUNT];
/* Index of word in vocab, or -1. */
int pd_vocab_find(enum pd_vocab_id vocab, const char *word, size_t len);
/* What a word means, for people: lang "en" or "zh" ("Family reunion", "团聚").
 * Never NULL for a word of the vocabulary. */
const char *pd_vocab_label(enum pd_vocab_id vocab, int word, const char *lang);

/*
 * The facts: X(NAME, "case.path", type, vocab or -1, flags, "en label", "zh label").
 * Flags: PD_FF_DERIVED facts are computed, never read from JSON;
 * PD_FF_AT_LEAST_ONE integers are counts of at least 1 (0 is refused).
 * Append new facts anywhere; indexes are not stored anywhere persistent.
 */
#define PD_FF_DERIVED 1u
#define PD_FF_AT_LEAST_ONE 2u

#define PD_FACT_MAP(X)                                                                                                                     \
	X(JURISDICTION, "jurisdiction", PD_T_STRING, -1, 0, "Jurisdiction (policy pack)",                                                  \
	  "管辖地")                                                                                                                        \
	X(DATE, "date", PD_T_DATE, -1, 0, "Date of application", "申请日期")                                                               \
	X(APP_DOCUMENT, "application.document", PD_T_ENUM, PD_VOCAB_DOCUMENT, 0,                                                           \
	  "Document applied for (residence permit or visa)", "申请证件种类（居留许可或签证）")                                             \
	X(APP_ACTION, "application.action", PD_T_ENUM, PD_VOCAB_ACTION, 0,                                                                 \
	  "What is applied for (issuance, extension, renewal, re-issue, change)",                                                          \
	  "申请事项（签发、延期、换发、补发、变更）")                                                                                      \
	X(APP_PURPOSE, "application.purpose", PD_T_ENUM, PD_VOCAB_PURPOSE, 0,                                                              \
	  "Purpose of residence", "居留事由")                                                                                              \
	X(APP_BASIS, "application.basis", PD_T_ENUM, PD_VOCAB_BASIS, 0,                                                                    \
	  "Personal-affairs situation", "私人事务具体情形")                                                                                \
	X(APP_VISA_TYPE, "application.visa_type", PD_T_ENUM, PD_VOCAB_VISA_TYPE, 0,                                                        \
	  "Visa category", "签证种类")                                                                                                     \
	X(APP_ENTRIES, "application.entries", PD_T_ENUM, PD_VOCAB_ENTRIES, 0,                                                              \
	  "Number of entries asked for", "申请入境次数")                                                                                   \
	X(APP_REQUESTED_DAYS, "application.requested_days", PD_T_INT, -1, 0,                                                               \
	  "Validity or stay asked for, in days", "申请的有效期或停留期（天）")                                                             \
	X(APP_VISA_VALIDITY_DAYS, "application.visa_validity_days", PD_T_INT, -1, 0,                                                       \
	  "Validity of the visa asked for, in days", "申请的签证有效期（天）")                                                             \
	X(APP_PERSONS, "application.persons", PD_T_INT, -1, PD_FF_AT_LEAST_ONE,                                                            \
	  "Persons the application is for: the applicant and the accompanying persons on the "                                             \
	  "same visa or permit (when accompanying persons are added or removed, those added or "                                           \
	  "removed); absent: the applicant alone",                                                                                         \
	  "本次申请的人数：申请人及同一签证或居留许可上的偕行人（增减偕行人的，为增减的人数）；" \
	  "未填：仅申请人本人")                                                                                                            \
	X(APP_RENEWAL_REASON, "application.renewal_reason", PD_T_ENUM, PD_VOCAB_RENEWAL_REASON, 0,                                         \
	  "Reason for the renewal", "换发原因")                                                                                            \
	X(APP_REISSUE_REASON, "application.reissue_reason", PD_T_ENUM, PD_VOCAB_REISSUE_REASON, 0,                                         \
	  "Reason for the re-issue (lost, stolen, damaged)", "补发原因（遗失、被盗、损毁）")                                               \
	X(APP_LOST_ABROAD, "application.lost_abroad", PD_T_BOOL, -1, 0,                                                                    \
	  "Was the passport lost outside China?", "护照是否在境外遗失？")                                                                  \
	X(APP_TRANSFER, "application.transfer", PD_T_BOOL, -1, 0,                                                                          \
	  "Is a permit issued by another city being transferred here?",                                                                    \
	  "是否为外地签发居留许可转入？")                                                                                                  \
	X(APP_GROUP, "application.group", PD_T_BOOL, -1, 0,                                                                                \
	  "Is this a group visa or group travel?", "是否为团体签证或团体旅游？")                                                           \
	X(APP_VISIT_REASON, "application.visit_reason", PD_T_ENUM, PD_VOCAB_VISIT_REASON, 0,                                               \
	  "Reason for the visit on an L visa (tourism, family visit, seeking refuge with "                                                 \
	  "relatives, "                                                                                                                    \
	  "property purchase, fostering, medical treatment, other private affairs)",                                                       \
	  "持L字签证来华事由（旅游、探亲、投靠亲属、购房、寄养、就医、其他私人事务）")                                                     \
	X(APP_URGENT_REASON, "application.urgent_reason", PD_T_BOOL, -1, 0,                                                                \
	  "Is there force majeure or an urgent matter (emergency repair, claim settlement, "                                               \
	  "signing a contract, visiting a critically ill person, attending a funeral)?",                                                   \
	  "是否有不可抗力或紧急事务（抢修、理赔、签约、探望危重病人、奔丧等）？")                                                          \
	X(APP_HOST_UNIT, "application.host_unit", PD_T_BOOL, -1, 0,                                                                        \
	  "Is there a receiving (host) unit in China?", "是否有境内接待单位？")                                                            \
	X(APPLICANT_NAME, "applicant.name", PD_T_STRING, -1, 0, "Applicant's name", "申请人姓名")                                          \
	X(APPLICANT_BIRTH_DATE, "applicant.birth_date", PD_T_DATE, -1, 0,                                                                  \
	  "Applicant's date of birth", "申请人出生日期")                                                                                   \
	X(APPLICANT_AGE, "applicant.age", PD_T_INT, -1, PD_FF_DERIVED,                                                                     \
	  "Applicant's age (from the date of birth)", "申请人年龄（按出生日期计算）")                                                      \
	X(APPLICANT_NATIONALITY, "applicant.nationality", PD_T_STRING, -1, 0,                                                              \
	  "Applicant's nationality (ISO 3166 alpha-3)", "申请人国籍")                                                                      \
	X(PASSPORT_NUMBER, "applicant.passport.number", PD_T_STRING, -1, 0, "Passport number",                                             \
	  "护照号码")                                                                                                                      \
	X(PASSPORT_EXPIRY, "applicant.passport.expiry", PD_T_DATE, -1, 0, "Passport expiry date",                                          \
	  "护照有效期至")                                                                                                                  \
	X(STATUS_DOCUMENT, "applicant.status.document", PD_T_ENUM, PD_VOCAB_DOCUMENT, 0,                                                   \
	  "Visa or permit held now", "现持签证或居留许可")                                                                                 \
	X(STATUS_TYPE, "applicant.status.type", PD_T_ENUM, PD_VOCAB_STATUS_TYPE, 0,                                                        \
	  "Category of the visa or permit held now", "现持证件种类")                                                                       \
	X(STATUS_EXPIRY, "applicant.status.expiry", PD_T_DATE, -1, 0,                                                                      \
	  "Last day of the stay or permit held now", "现持证件停留期或有效期截止日")                                                       \
	X(STATUS_STAY_DAYS, "applicant.status.stay_days", PD_T_INT, -1, 0,                                                                 \
	  "Stay granted by the visa held now, in days", "现持签证注明的停留期（天）")                                                      \
	X(STATUS_ENTRY_DATE, "applicant.status.entry_date", PD_T_DATE, -1, 0,                                                              \
	  "Date of this entry", "本次入境日期")                                                                                            \
	X(STATUS_ENTRIES_REMAINING, "applicant.status.entries_remaining", PD_T_INT, -1, 0,                                                 \
	  "Entries remaining on the visa held now", "现持签证剩余入境次数")                                                                \
	X(STATUS_TIMES_EXTENDED, "applicant.status.times_extended", PD_T_INT, -1, 0,                                                       \
	  "Times a visa has already been issued or extended in China since this entry",                                                    \
	  "本次入境后已在境内签发或延期签证的次数")                                                                                        \
	X(STATUS_DAYS_EXTENDED, "applicant.status.days_extended", PD_T_INT, -1, 0,                                                         \
	  "Days the stay on the visa held now has already been extended, all extensions together",                                         \
	  "现持签证停留期限已累计延长的天数")                                                                                              \
	X(APPLICANT_FIRST_ENTRY, "applicant.first_entry", PD_T_BOOL, -1, 0,                                                                \
	  "Is this the applicant's first time in China?", "申请人是否首次入境？")                                                          \
	X(APPLICANT_GOOD_RECORD, "applicant.good_record", PD_T_BOOL, -1, 0,                                                                \
	  "Has the applicant a good stay and residence record (no overstay, illegal employment "                                           \
	  "or "                                                                                                                            \
	  "public-security violation)?",                                                                                                   \
	  "申请人在华停留居留记录是否良好（无非法居留、非法就业、违反治安管理记录）？")                                                    \
	X(APPLICANT_MOBILITY_IMPAIRED, "applicant.mobility_impaired", PD_T_BOOL, -1, 0,                                                    \
	  "Has the applicant difficulty moving because of illness?",                                                                       \
	  "申请人是否因疾病等行动不便？")                                                                                                  \
	X(APPLICANT_HIGH_LEVEL_TALENT, "applicant.high_level_talent", PD_T_BOOL, -1, 0,                                                    \
	  "Is the applicant recognised as a foreign high-level talent?",                                                                   \
	  "申请人是否为外国高层次人才？")                                                                                                  \
	X(APPLICANT_INVESTOR, "applicant.investor", PD_T_BOOL, -1, 0,                                                                      \
	  "Is the applicant an investor meeting the national rules?",                                                                      \
	  "申请人是否为符合国家规定的投资者？")                                                                                            \
	X(APPLICANT_UNILATERAL_EXEMPTION, "applicant.unilateral_visa_exemption", PD_T_BOOL, -1, 0,                                         \
	  "Did the applicant enter without a visa under a unilateral visa exemption of China?",                                            \
	  "申请人是否依中国单方面免签政策免签入境？")                                                                                      \
	X(APPLICANT_MUTUAL_EXEMPTION, "applicant.mutual_visa_exemption", PD_T_BOOL, -1, 0,                                                 \
	  "Did the applicant enter without a visa under a mutual visa-exemption agreement?",                                               \
	  "申请人是否依互免签证协议免签入境？")                                                                                            \
	X(APPLICANT_SPECIAL_ZONE_VISA, "applicant.special_zone_visa", PD_T_BOOL, -1, 0,                                                    \
	  "Did the applicant enter on a tourist visa valid only in a special zone?",                                                       \
	  "申请人是否持特区旅游签证入境？")                                                                                                \
	X(APPLICANT_RECIPROCAL_FEE, "applicant.reciprocal_fee_country", PD_T_BOOL, -1, 0,                                                  \
	  "Is the applicant's country one whose visa fees China sets by reciprocity (Ministry of "                                         \
	  "Foreign Affairs standard)?",                                                                                                    \
	  "申请人所属国是否为按对等原则由外交部确定收费标准的国家？")                                                                      \
	X(APPLICANT_MARRIED, "applicant.married", PD_T_BOOL, -1, 0, "Is the applicant married?",                                           \
	  "申请人是否已婚？")                                                                                                              \
	X(APPLICANT_DEPENDENT_ADULT, "applicant.dependent_adult", PD_T_BOOL, -1, 0,                                                        \
	  "Is the applicant an adult child unable to live independently because of illness or "                                            \
	  "disability?",                                                                                                                   \
	  "申请人是否为因疾病、残疾等原因无法独立生活的成年子女？")                                                                        \
	X(APPLICANT_ADDRESS_MATCHES, "applicant.address_matches_permit", PD_T_BOOL, -1, 0,                                                 \
	  "Is the actual address the one registered on the permit?",                                                                       \
	  "实际居住地址是否与居留许可登记地址一致？")                                                                                      \
	X(APPLICANT_ADDRESS_CHANGE_REPORTED, "applicant.address_change_reported", PD_T_BOOL, -1,                                           \
	  0, "Was a change of address reported?", "是否已办理住址变更登记？")                                                              \
	X(APPLICANT_PARENT_CHINESE, "applicant.parent_chinese_citizen", PD_T_BOOL, -1, 0,                                                  \
	  "Is one or both of the applicant's parents a Chinese citizen (settled abroad)?",                                                 \
	  "申请人父母一方或双方是否为中国公民（定居国外）？")                                                                              \
	X(APPLICANT_PARENT_CHINESE_ANY, "applicant.parent_chinese", PD_T_BOOL, -1, 0,                                                      \
	  "Is one or both of the applicant's parents a Chinese citizen (wherever they live)?",                                             \
	  "申请人父母一方或双方是否为中国公民（不论居住何处）？")                                                                          \
	X(APPLICANT_BORN_IN_CHINA, "applicant.born_in_china", PD_T_BOOL, -1, 0,                                                            \
	  "Was the applicant born in China?", "申请人是否在中国境内出生？")                                                                \
	X(APPLICANT_PARENTS_SETTLED_ABROAD, "applicant.parents_settled_abroad", PD_T_BOOL, -1, 0,                                          \
	  "Have the applicant's Chinese parents (or the Chinese parent) settled abroad?",                                                  \
	  "申请人的中国公民父母（或父母中的中国公民一方）是否已定居国外？")                                                                \
	X(APPLICANT_FOREIGN_AT_BIRTH, "applicant.foreign_nationality_at_birth", PD_T_BOOL, -1, 0,                                          \
	  "Did the applicant acquire a foreign nationality at birth?",                                                                     \
	  "申请人是否出生时即具有外国国籍？")                                                                                              \
	X(APPLICANT_PARENTS_IN_CITY, "applicant.parents_in_city", PD_T_BOOL, -1, 0,                                                        \
	  "Do the applicant's parents (or one of them) live in this city?",                                                                \
	  "申请人父母（或其中一方）是否在本市居住？")                                                                                      \
	X(APPLICANT_CHINESE_ORIGIN, "applicant.chinese_origin", PD_T_BOOL, -1, 0,                                                          \
	  "Is the applicant a foreign national of Chinese origin?", "申请人是否为外籍华人？")                                              \
	X(APPLICANT_PROPERTY_SPOUSE, "applicant.property_in_spouse_name", PD_T_BOOL, -1, 0,                                                \
	  "Is the home the applicant relies on registered in the name of the spouse?",                                                     \
	  "申请人所依托的房屋是否登记在其配偶名下？")                                                                                      \
	X(SPONSOR_CATEGORY, "sponsor.category", PD_T_ENUM, PD_VOCAB_SPONSOR_CATEGORY, 0,                                                   \
	  "Who is the person visited (sponsor category)?", "被探望人（担保人）身份类别")                                                   \
	X(SPONSOR_RELATIONSHIP, "sponsor.relationship", PD_T_ENUM, PD_VOCAB_RELATIONSHIP, 0,                                               \
	  "The applicant's relationship to the sponsor", "申请人与被探望人的关系")                                                         \
	X(SPONSOR_LOCAL_MONTHS, "sponsor.local_residence_months", PD_T_INT, -1, 0,                                                         \
	  "Months the sponsor has lived in this city", "被探望人在本市居住月数")                                                           \
	X(SPONSOR_ID_NUMBER, "sponsor.id_number", PD_T_STRING, -1, 0, "Sponsor's identity number",                                         \
	  "被探望人身份证件号码")                                                                                                          \
	X(SPONSOR_PERMIT_KIND, "sponsor.residence_permit_kind", PD_T_ENUM, PD_VOCAB_PERMIT_KIND,                                           \
	  0, "Kind of residence permit the foreign sponsor holds", "被探望外国人所持居留许可种类")                                         \
	X(SPONSOR_PERMIT_EXPIRY, "sponsor.permit_expiry", PD_T_DATE, -1, 0,                                                                \
	  "Expiry of the visa or residence permit of the foreigner visited",                                                               \
	  "被探望外国人所持签证或居留许可的有效期截止日")                                                                                  \
	X(SPONSOR_INVESTOR, "sponsor.investor", PD_T_BOOL, -1, 0,                                                                          \
	  "Is the person accompanied an investor or the legal representative of an enterprise?",                                           \
	  "被随行人员是否为投资者或企业法定代表人？")                                                                                      \
	X(SPONSOR_INDIVIDUAL, "sponsor.individual", PD_T_BOOL, -1, 0,                                                                      \
	  "Is the inviter an individual (not a unit)?", "邀请方是否为个人（而非单位）？")                                                  \
	X(SPONSOR_UNIT_REGISTERED, "sponsor.unit_registered", PD_T_BOOL, -1, 0,                                                            \
	  "Has the inviting unit filed its registration with the exit-entry administration?",                                              \
	  "邀请单位是否已在出入境管理机构备案？")                                                                                          \
	X(SPONSOR_GUARANTEES, "sponsor.guarantees_expenses", PD_T_BOOL, -1, 0,                                                             \
	  "Does the inviter guarantee the applicant's expenses?",                                                                          \
	  "邀请人是否为申请人在华费用提供保证？")                                                                                          \
	X(SPONSOR_SAME_AS_PREVIOUS, "sponsor.same_as_previous", PD_T_BOOL, -1, 0,                                                          \
	  "Is the person visited the same as in the applicant's previous application?",                                                    \
	  "被探望人是否与申请人上次申请时相同？")                                                                                          \
	X(AGENT_PRESENT, "agent.present", PD_T_BOOL, -1, PD_FF_DERIVED,                                                                    \
	  "Is someone applying on the applicant's behalf?", "是否由他人代为申请？")                                                        \
	X(AGENT_RELATION, "agent.relation", PD_T_ENUM, PD_VOCAB_AGENT_RELATION, 0,                                                         \
	  "Who is the agent?", "代办人身份")

/* clang-format off */
enum pd_fact_id {
#define PD_X_FACT(name, path, type, vocab, flags, en, zh) PD_F_##name,
	PD_FACT_MAP(PD_X_FACT)
#undef PD_X_FACT
	PD_FACT_COUNT
};
/* clang-format on */

struct pd_fact_def {
	const char *path;
	enum pd_type type;
	int vocab; /* enum pd_vocab_id, or -1 */
	unsigned flags;
	const char *en;
	const char *zh;
};
extern const struct pd_fact_def pd_facts[PD_FACT_COUNT];
/* Index of a case path, or -1. */
int pd_fact_find(const char *path, size_t len);

/* A set of facts, used to say which unknown facts a conclusion hangs on. */
#define PD_FACTSET_WORDS 2
struct pd_factset {
	uint64_t w[PD_FACTSET_WORDS];
};

/* One slot of the fact table. */
struct pd_value {
	bool known;
	uint8_t type;  /* enum pd_type, as in pd_facts (copied for the evaluator) */
	int32_t i;     /* bool (0/1), int, date, enum index */
	const char *s; /* string (not NUL-terminated) */
	uint32_t len;
};

/* Tri-state for document flags: -1 not said, 0 no, 1 yes. */
struct pd_document {
	const char *type; /* material id, NUL-terminated */
	pd_date issued;   /* PD_DATE_NONE when not given */
	pd_date expires;  /* PD_DATE_NONE when not given */
	int8_t foreign;
	int8_t notarized;
	int8_t legalized;
	int8_t translated;
	int line, column; /* where it stood in the input, for errors */
};

struct pd_case {
	struct pd_value facts[PD_FACT_COUNT];
	struct pd_document *documents;
	size_t n_documents;
	bool documents_given; /* the "documents" member was present */
	const char **mrz;     /* applicant.passport.mrz lines, NUL-terminated */
	size_t n_mrz;
	const char *extra; /* raw JSON text of "extra", or NULL */
	size_t extra_len;
	bool agent_given;             /* "agent" present (object or null) */
	int fact_line[PD_FACT_COUNT]; /* where each fact stood in the input (0: not given) */
	int fact_column[PD_FACT_COUNT];
};

/* Clears every fact to unknown. */
void pd_case_init(struct pd_case *c);
/* Computes derived facts (applicant.age, agent.present) from the others.
 * The decoder calls it; a case built by hand calls it before evaluation. */
void pd_case_derive(struct pd_case *c);

/* Setters for cases built in code (tests, benchmarks).  Strings are borrowed. */
void pd_case_set_bool(struct pd_case *c, enum pd_fact_id f, bool v);
void pd_case_set_int(struct pd_case *c, enum pd_fact_id f, int32_t v);
void pd_case_set_date(struct pd_case *c, enum pd_fact_id f, pd_date v);
void pd_case_set_str(struct pd_case *c, enum pd_fact_id f, const char *s);
/* Sets an enum fact by word; -PD_EINPUT when the word is not in its vocabulary. */
int pd_case_set_enum(struct pd_case *c, enum pd_fact_id f, const char *word);

#endif
