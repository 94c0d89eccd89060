/*
 * paper_int.h: the page flow the papers are written with (layout.c), shared
 * by the papers (papers.c).  Nothing here is public API.
 *
 * A flow is an A4 PDF (cairo) written into a struct pd_buf and a cursor
 * going down the page.  Every block of text is laid out by pango with a
 * width, wraps (at words, or between any two characters when a word is
 * longer than the column), and is drawn line by line, so a block longer
 * than the room left continues on a new page.  Sizes are in points.
 */
#ifndef PD_PAPER_INT_H
#define PD_PAPER_INT_H

#include <stdbool.h>

#include <cairo-pdf.h>
#include <cairo.h>
#include <pango/pangocairo.h>

#include "permitdesk/base.h"
#include "permitdesk/paper.h"

#define PAPER_WIDTH 595.276 /* A4 */
#define PAPER_HEIGHT 841.890
#define PAPER_MARGIN 50.0
#define PAPER_TOP 56.0
#define PAPER_BOTTOM 70.0 /* room kept for the footer */
#define PAPER_TEXT_WIDTH (PAPER_WIDTH - 2 * PAPER_MARGIN)
#define PAPER_LABEL_WIDTH 150.0 /* the label column of a field */

struct paper_thread; /* the thread's pango context and laid-out blocks (layout.c) */

struct flow {
	struct pd_buf *out;
	cairo_surface_t *surface;
	cairo_t *cr;
	struct paper_thread *thread;
	double y;           /* top of the next block */
	double right_limit; /* blocks stay left of this until y passes keep_clear_until */
	double keep_clear_until;
	int page;
	const char *footer; /* "Receipt of acceptance / 受理回执 zhejiang-2026-R000001" */
	bool failed;
};

/* Starts a PDF into out (appended); footer is printed on every page. */
int flow_begin(struct flow *f, struct pd_buf *out, const char *footer, const char *title);
/* Finishes the PDF; -PD_ENOMEM or -PD_EINTERNAL when cairo failed.  Always
 * releases everything. */
int flow_end(struct flow *f);

void flow_space(struct flow *f, double pt);
/* The paper's title: English, then Chinese under it. */
void flow_title(struct flow *f, const char *en, const char *zh);
/* A section heading "English / 中文" with a rule under it. */
void flow_heading(struct flow *f, const char *en, const char *zh);
/* A paragraph at x (from the left margin), size pt, wrapped to width (0:
 * to the right limit). */
void flow_text(struct flow *f, double x, double width, const char *text, double size, bool bold,
               double grey);
/* A field: the label (English over Chinese) in the left column, the value (its
 * English, and its Chinese under it when it differs) in the right one. */
void flow_field(struct flow *f, const char *label_en, const char *label_zh, const char *value_en,
                const char *value_zh);
/* A QR code of text, `size` points wide, at the top right from the current
 * y; the blocks that follow keep clear of it. */
int flow_qr(struct flow *f, const char *text, double size);

#endif
