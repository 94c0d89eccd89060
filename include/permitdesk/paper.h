/*
 * permitdesk/paper.h: the papers handed over the counter, as A4 PDF.
 *
 *   receipt    the acceptance receipt (003 7.2): receipt and case numbers, the
 *              applicant and passport, what was applied for, accepted on, valid
 *              until, decision by, the office with its address and hours, and
 *              a QR code of the public progress page
 *   notice     the one-time notice (003 7.2): every material with its status
 *              and why, what to bring back, by when (the receipt's validity)
 *              and where
 *   decision   the decision notice: approval, refusal or revocation, with the
 *              ground, the failing findings and their citations, and the
 *              notices of the decision's result (among them the applicant's
 *              right to state their case, 003 11.1(2), where the pack says so)
 *   checklist  the pre-check checklist a family prints at home, from a result
 *
 * Every paper is bilingual (English, and Chinese under it), in one font
 * family that holds both (WenQuanYi Micro Hei, a TrueType face from Debian's
 * fonts-wqy-microhei; Noto Sans CJK for a character it lacks), embedded in
 * the PDF.  Text wraps within its column, however long (a name
 * of 200 characters, a name all in Chinese), and a paper runs onto as many
 * pages as it needs; every page carries the paper's number and its page
 * number.  What a paper says comes from the case view the workflow writes
 * (pd_workflow_case_json, pd_workflow_case_view_json) or from a result: the
 * offices are the result's (offices.yaml), the legal texts the result's
 * findings and notices, each with its citation; nothing legal is written
 * here.  The functions are safe to call from several threads at once.
 */
#ifndef PERMITDESK_PAPER_H
#define PERMITDESK_PAPER_H

#include "permitdesk/base.h"
#include "permitdesk/engine.h"

#define PD_PAPER_MAP(X)                                                                            \
	X(RECEIPT, "receipt")                                                                      \
	X(NOTICE, "notice")                                                                        \
	X(DECISION, "decision")                                                                    \
	X(CHECKLIST, "checklist")

/* clang-format off */
enum pd_paper {
#define PD_X_PAPER(name, word) PD_PAPER_##name,
	PD_PAPER_MAP(PD_X_PAPER)
#undef PD_X_PAPER
	PD_PAPER_COUNT
};
/* clang-format on */
const char *pd_paper_name(enum pd_paper p);
/* 0 and *out set, or -1 when the word is not a paper. */
int pd_paper_parse(const char *word, enum pd_paper *out);

struct pd_paper_opts {
	/* The receipt's QR code opens <base_url>/progress?receipt=<receipt number>;
	 * the base is the public address of the web desk, without a trailing
	 * slash (one is dropped).  Required for the receipt. */
	const char *base_url;
};

/*
 * Lays out `paper` (receipt, notice or decision) of the case whose view is
 * `case_view` (the JSON of pd_workflow_case_json) and appends the PDF to out.
 * -PD_ESTATE when the case has no such paper yet (a receipt before
 * acceptance, a decision notice before a decision); -PD_EINPUT when the view
 * is not one; -PD_EUSAGE without a base URL for a receipt, or for the
 * checklist (which is made from a result).  On failure out is as it was.
 */
int pd_paper_case_pdf(enum pd_paper paper, const char *case_view, size_t len,
                      const struct pd_paper_opts *opts, struct pd_buf *out, struct pd_error *err);

/* The pre-check checklist of a result (`permitdesk check --format pdf`). */
int pd_paper_result_pdf(const struct pd_result *r, struct pd_buf *out, struct pd_error *err);

/* Releases what the papers keep for the life of the process: the calling
 * thread's font map and the caches of fontconfig and cairo.  For a program
 * about to exit (so that a leak checker sees nothing), after every thread
 * has stopped making papers; papers may be made again afterwards. */
void pd_paper_cleanup(void);

#endif
