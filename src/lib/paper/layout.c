/*
 * layout.c: the page flow of the papers (paper_int.h): an A4 PDF drawn with
 * cairo, text laid out by pango in Noto Sans CJK (Latin and Chinese in one
 * family, so a line may mix them), the QR code drawn module by module from
 * libqrencode.
 *
 * Text is drawn one line at a time: before each line the flow checks the
 * room left on the page and, when there is none, finishes the page (its
 * footer: the paper and its number, and the page number) and starts the
 * next.  Wrapping is pango's PANGO_WRAP_WORD_CHAR: at spaces, and inside a
 * word that is wider than its column, so nothing runs past the margin.
 * cairo embeds the subset of the font the paper uses.
 */
#include <stdio.h>
#include <string.h>

#include <fontconfig/fontconfig.h>
#include <qrencode.h>

#include "paper_int.h"

#define FONT_FAMILY "Noto Sans CJK SC"

static cairo_status_t write_out(void *closure, const unsigned char *data, unsigned int length)
{
	struct pd_buf *b = closure;
	return pd_buf_append(b, data, length) == 0 ? CAIRO_STATUS_SUCCESS
	                                           : CAIRO_STATUS_WRITE_ERROR;
}

static void set_font(struct flow *f, double size, bool bold)
{
	pango_font_description_set_absolute_size(f->font, size * PANGO_SCALE);
	/* One face only: each face embedded costs about half a megabyte of CFF
	 * subroutines (cairo keeps them whole), so emphasis is size, not weight. */
	(void)bold;
	pango_font_description_set_weight(f->font, PANGO_WEIGHT_NORMAL);
	pango_layout_set_font_description(f->layout, f->font);
}

static void footer(struct flow *f)
{
	char page[64];
	snprintf(page, sizeof(page), "Page %d / 第%d页", f->page, f->page);
	PangoLayout *l = f->footer_layout;
	cairo_save(f->cr);
	cairo_set_source_rgb(f->cr, 0.4, 0.4, 0.4);
	pango_layout_set_width(l, (int)((PAPER_TEXT_WIDTH - 90) * PANGO_SCALE));
	pango_layout_set_alignment(l, PANGO_ALIGN_LEFT);
	pango_layout_set_text(l, f->footer ? f->footer : "", -1);
	cairo_move_to(f->cr, PAPER_MARGIN, PAPER_HEIGHT - 48);
	pango_cairo_show_layout(f->cr, l);
	pango_layout_set_width(l, 90 * PANGO_SCALE);
	pango_layout_set_alignment(l, PANGO_ALIGN_RIGHT);
	pango_layout_set_text(l, page, -1);
	cairo_move_to(f->cr, PAPER_WIDTH - PAPER_MARGIN - 90, PAPER_HEIGHT - 48);
	pango_cairo_show_layout(f->cr, l);
	cairo_restore(f->cr);
}

static void new_page(struct flow *f)
{
	footer(f);
	cairo_show_page(f->cr);
	f->page++;
	f->y = PAPER_TOP;
	f->keep_clear_until = 0;
}

int flow_begin(struct flow *f, struct pd_buf *out, const char *footer_text, const char *title)
{
	memset(f, 0, sizeof(*f));
	f->out = out;
	f->footer = footer_text;
	f->page = 1;
	f->y = PAPER_TOP;
	f->surface = cairo_pdf_surface_create_for_stream(write_out, out, PAPER_WIDTH, PAPER_HEIGHT);
	if (cairo_surface_status(f->surface) != CAIRO_STATUS_SUCCESS)
		return PD_FAIL(PD_ENOMEM);
	cairo_pdf_surface_set_metadata(f->surface, CAIRO_PDF_METADATA_TITLE, title);
	cairo_pdf_surface_set_metadata(f->surface, CAIRO_PDF_METADATA_CREATOR, "permitdesk");
	f->cr = cairo_create(f->surface);
	f->layout = pango_cairo_create_layout(f->cr);
	f->footer_layout = pango_cairo_create_layout(f->cr);
	f->font = pango_font_description_from_string(FONT_FAMILY);
	if (cairo_status(f->cr) != CAIRO_STATUS_SUCCESS || !f->layout || !f->footer_layout ||
	    !f->font)
		return PD_FAIL(PD_ENOMEM);
	pango_layout_set_wrap(f->layout, PANGO_WRAP_WORD_CHAR);
	pango_layout_set_wrap(f->footer_layout, PANGO_WRAP_WORD_CHAR);
	/* A word broken at the end of a line gets no hyphen: receipt and passport
	 * numbers, names and web addresses must read exactly as they are. */
	PangoAttrList *attrs = pango_attr_list_new();
	pango_attr_list_insert(attrs, pango_attr_insert_hyphens_new(FALSE));
	pango_layout_set_attributes(f->layout, attrs);
	pango_layout_set_attributes(f->footer_layout, attrs);
	pango_attr_list_unref(attrs);
	pango_font_description_set_absolute_size(f->font, 7.5 * PANGO_SCALE);
	pango_layout_set_font_description(f->footer_layout, f->font);
	return 0;
}

int flow_end(struct flow *f)
{
	int rc = 0;
	if (f->cr) {
		footer(f);
		cairo_show_page(f->cr);
	}
	if (f->layout)
		g_object_unref(f->layout);
	if (f->footer_layout)
		g_object_unref(f->footer_layout);
	if (f->font)
		pango_font_description_free(f->font);
	if (f->cr) {
		if (cairo_status(f->cr) != CAIRO_STATUS_SUCCESS)
			rc = PD_FAIL(PD_EINTERNAL);
		cairo_destroy(f->cr);
	}
	if (f->surface) {
		cairo_surface_finish(f->surface);
		if (cairo_surface_status(f->surface) != CAIRO_STATUS_SUCCESS)
			rc = PD_FAIL(f->out->failed ? PD_ENOMEM : PD_EINTERNAL);
		cairo_surface_destroy(f->surface);
	}
	if (f->out->failed || f->failed)
		rc = PD_FAIL(PD_ENOMEM);
	memset(f, 0, sizeof(*f));
	return rc;
}

void flow_space(struct flow *f, double pt)
{
	f->y += pt;
	if (f->y > PAPER_HEIGHT - PAPER_BOTTOM)
		new_page(f);
}

/* The width a block at x may take: to the right margin, or to the left of a
 * QR code while the flow is beside it. */
static double room(const struct flow *f, double x)
{
	double right = f->y < f->keep_clear_until ? f->right_limit : PAPER_WIDTH - PAPER_MARGIN;
	return right - PAPER_MARGIN - x;
}

/*
 * Draws the layout at x line by line from f->y, starting a new page before
 * any line that does not fit.  Returns the y under its last line; *first_page
 * (may be NULL) is set when the whole block stayed on the page it began on.
 */
static double show_lines(struct flow *f, double x, bool *first_page)
{
	PangoLayoutIter *it = pango_layout_get_iter(f->layout);
	double origin = f->y; /* where the layout's top is on this page */
	double end = f->y;
	bool same = true;
	do {
		PangoLayoutLine *line = pango_layout_iter_get_line_readonly(it);
		PangoRectangle logical;
		pango_layout_iter_get_line_extents(it, NULL, &logical);
		double top = origin + (double)logical.y / PANGO_SCALE;
		double h = (double)logical.height / PANGO_SCALE;
		if (top + h > PAPER_HEIGHT - PAPER_BOTTOM && top > PAPER_TOP) {
			new_page(f);
			same = false;
			origin = PAPER_TOP - (double)logical.y / PANGO_SCALE;
			top = PAPER_TOP;
		}
		double baseline = origin + (double)pango_layout_iter_get_baseline(it) / PANGO_SCALE;
		cairo_move_to(f->cr, PAPER_MARGIN + x + (double)logical.x / PANGO_SCALE, baseline);
		pango_cairo_show_layout_line(f->cr, line);
		end = top + h;
	} while (pango_layout_iter_next_line(it));
	pango_layout_iter_free(it);
	if (first_page)
		*first_page = same;
	return end;
}

static void prepare(struct flow *f, double x, double width, const char *text, double size,
                    bool bold)
{
	if (width <= 0 || width > room(f, x))
		width = room(f, x);
	set_font(f, size, bold);
	pango_layout_set_width(f->layout, (int)(width * PANGO_SCALE));
	pango_layout_set_text(f->layout, text ? text : "", -1);
}

void flow_text(struct flow *f, double x, double width, const char *text, double size, bool bold,
               double grey)
{
	if (!text || !*text)
		return;
	prepare(f, x, width, text, size, bold);
	cairo_set_source_rgb(f->cr, grey, grey, grey);
	f->y = show_lines(f, x, NULL);
	cairo_set_source_rgb(f->cr, 0, 0, 0);
}

void flow_title(struct flow *f, const char *en, const char *zh)
{
	flow_text(f, 0, 0, en, 17, true, 0);
	flow_space(f, 2);
	flow_text(f, 0, 0, zh, 15, true, 0);
	flow_space(f, 10);
}

void flow_heading(struct flow *f, const char *en, const char *zh)
{
	char both[512];
	snprintf(both, sizeof(both), "%s / %s", en, zh);
	/* A heading never ends a page: keep room for it and two lines after it. */
	if (f->y + 60 > PAPER_HEIGHT - PAPER_BOTTOM)
		new_page(f);
	else
		flow_space(f, 8);
	flow_text(f, 0, 0, both, 11.5, true, 0);
	cairo_set_line_width(f->cr, 0.6);
	cairo_move_to(f->cr, PAPER_MARGIN, f->y + 2);
	cairo_line_to(f->cr, PAPER_MARGIN + room(f, 0), f->y + 2);
	cairo_stroke(f->cr);
	f->y += 6;
}

void flow_field(struct flow *f, const char *label_en, const char *label_zh, const char *value_en,
                const char *value_zh)
{
	if (!value_en && !value_zh)
		return;
	if (!value_en)
		value_en = value_zh;
	if (value_zh && strcmp(value_en, value_zh) == 0)
		value_zh = NULL;
	/* The label and the first line of the value start on the same page. */
	if (f->y + 24 > PAPER_HEIGHT - PAPER_BOTTOM)
		new_page(f);
	double top = f->y;
	char label[256];
	snprintf(label, sizeof(label), "%s\n%s", label_en, label_zh);
	prepare(f, 0, PAPER_LABEL_WIDTH - 8, label, 8.5, false);
	cairo_set_source_rgb(f->cr, 0.35, 0.35, 0.35);
	double label_end = show_lines(f, 0, NULL);
	cairo_set_source_rgb(f->cr, 0, 0, 0);
	f->y = top;
	prepare(f, PAPER_LABEL_WIDTH, 0, value_en, 10.5, false);
	bool same = true;
	f->y = show_lines(f, PAPER_LABEL_WIDTH, &same);
	if (value_zh) {
		bool same_zh = true;
		prepare(f, PAPER_LABEL_WIDTH, 0, value_zh, 10.5, false);
		f->y = show_lines(f, PAPER_LABEL_WIDTH, &same_zh);
		same = same && same_zh;
	}
	if (same && label_end > f->y)
		f->y = label_end;
	f->y += 5;
}

int flow_qr(struct flow *f, const char *text, double size)
{
	QRcode *qr = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
	if (!qr)
		return PD_FAIL(PD_ENOMEM);
	int quiet = 4; /* modules of white border, as ISO/IEC 18004 asks */
	int n = qr->width + 2 * quiet;
	double m = size / n;
	double x0 = PAPER_WIDTH - PAPER_MARGIN - size, y0 = f->y;
	cairo_save(f->cr);
	cairo_set_source_rgb(f->cr, 0, 0, 0);
	for (int r = 0; r < qr->width; r++)
		for (int c = 0; c < qr->width; c++)
			if (qr->data[r * qr->width + c] & 1)
				cairo_rectangle(f->cr, x0 + (c + quiet) * m, y0 + (r + quiet) * m,
				                m, m);
	cairo_fill(f->cr);
	cairo_restore(f->cr);
	QRcode_free(qr);
	f->right_limit = x0 - 12;
	f->keep_clear_until = y0 + size + 4;
	return 0;
}

void pd_paper_cleanup(void)
{
	pango_cairo_font_map_set_default(NULL);
	cairo_debug_reset_static_data();
	FcFini();
}
