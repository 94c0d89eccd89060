/*
 * layout.c: the page flow of the papers (paper_int.h): an A4 PDF drawn with
 * cairo, text laid out by pango in WenQuanYi Micro Hei (Latin and Chinese in
 * one TrueType family, so a line may mix them; fontconfig falls back to Noto
 * Sans CJK for a character it lacks), the QR code drawn as an image of its
 * modules from libqrencode.
 *
 * Text is drawn one line at a time: before each line the flow checks the
 * room left on the page and, when there is none, finishes the page (its
 * footer: the paper and its number, and the page number) and starts the
 * next.  Wrapping is pango's PANGO_WRAP_WORD_CHAR: at spaces, and inside a
 * word that is wider than its column, so nothing runs past the margin.
 * cairo embeds the subset of the font the paper uses.
 *
 * Each thread keeps its pango context and the blocks it has laid out (text,
 * size, width and alignment) from one paper to the next: the labels, titles,
 * headings and office texts of a receipt are the same on every receipt of a
 * pack, so they are shaped and wrapped once per thread, not once per paper.
 * The cache is direct-mapped (a new block takes the place of whatever block
 * hashed to its slot), so its size is bounded; a thread's cache is freed when
 * the thread ends, or by pd_paper_cleanup() for the calling thread.
 */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <qrencode.h>

#include "paper_int.h"

/* TrueType outlines: cairo embeds just the glyphs a paper uses (about 40 KB
 * a receipt).  A CFF font such as Noto Sans CJK is embedded by cairo 1.16
 * with all of its subroutines, about 0.9 MB a paper, which cost 20 times the
 * time to compress (docs/performance.md). */
#define FONT_FAMILY "WenQuanYi Micro Hei"

#define LAYOUT_SLOTS 512 /* blocks a thread keeps laid out */

struct cached_layout {
	uint64_t hash;
	int size, width; /* pango units */
	PangoAlignment align;
	char *text;
	PangoLayout *layout;
};

struct paper_thread {
	PangoContext *context;
	PangoFontDescription *font;
	PangoAttrList *attrs;
	struct cached_layout slots[LAYOUT_SLOTS];
};

static pthread_key_t thread_key;
static pthread_once_t thread_once = PTHREAD_ONCE_INIT;
static bool thread_key_ok;

static void thread_free(void *p)
{
	struct paper_thread *t = p;
	if (!t)
		return;
	for (int i = 0; i < LAYOUT_SLOTS; i++) {
		if (t->slots[i].layout)
			g_object_unref(t->slots[i].layout);
		free(t->slots[i].text);
	}
	if (t->attrs)
		pango_attr_list_unref(t->attrs);
	if (t->font)
		pango_font_description_free(t->font);
	if (t->context)
		g_object_unref(t->context);
	free(t);
}

static void thread_key_make(void)
{
	thread_key_ok = pthread_key_create(&thread_key, thread_free) == 0;
}

/*
 * The calling thread's context and cache, made on its first paper from the
 * paper's cairo context (every PDF surface has the same font options and an
 * identity matrix, so the context fits every later paper).  NULL when out of
 * memory.
 */
static struct paper_thread *thread_state(cairo_t *cr)
{
	pthread_once(&thread_once, thread_key_make);
	if (!thread_key_ok)
		return NULL;
	struct paper_thread *t = pthread_getspecific(thread_key);
	if (t)
		return t;
	t = calloc(1, sizeof(*t));
	if (!t)
		return NULL;
	t->context = pango_cairo_create_context(cr);
	t->font = pango_font_description_from_string(FONT_FAMILY);
	t->attrs = pango_attr_list_new();
	if (!t->context || !t->font || !t->attrs || pthread_setspecific(thread_key, t) != 0) {
		thread_free(t);
		return NULL;
	}
	/* A word broken at the end of a line gets no hyphen: receipt and passport
	 * numbers, names and web addresses must read exactly as they are. */
	pango_attr_list_insert(t->attrs, pango_attr_insert_hyphens_new(FALSE));
	return t;
}

static uint64_t layout_hash(const char *text, int size, int width, PangoAlignment align)
{
	uint64_t h = 14695981039346656037u; /* FNV-1a */
	for (const unsigned char *c = (const unsigned char *)text; *c; c++)
		h = (h ^ *c) * 1099511628211u;
	h = (h ^ (uint64_t)(uint32_t)size) * 1099511628211u;
	h = (h ^ (uint64_t)(uint32_t)width) * 1099511628211u;
	return (h ^ (uint64_t)align) * 1099511628211u;
}

/*
 * A layout of text in the paper font at size points, wrapped to width points,
 * aligned: the thread's cached one when it has it, else laid out now (and
 * kept).  The caller owns a reference (g_object_unref).  NULL when out of
 * memory (f->failed is set).
 */
static PangoLayout *layout_for(struct flow *f, const char *text, double size, double width,
                               PangoAlignment align)
{
	struct paper_thread *t = f->thread;
	int sz = (int)(size * PANGO_SCALE), w = (int)(width * PANGO_SCALE);
	uint64_t h = layout_hash(text, sz, w, align);
	struct cached_layout *c = &t->slots[h % LAYOUT_SLOTS];
	if (c->layout && c->hash == h && c->size == sz && c->width == w && c->align == align &&
	    strcmp(c->text, text) == 0)
		return g_object_ref(c->layout);
	PangoLayout *l = pango_layout_new(t->context);
	if (!l) {
		f->failed = true;
		return NULL;
	}
	pango_layout_set_wrap(l, PANGO_WRAP_WORD_CHAR);
	pango_layout_set_attributes(l, t->attrs);
	/* One face only, and emphasis is size, not weight: a second face would be
	 * embedded beside the first in every paper. */
	pango_font_description_set_absolute_size(t->font, sz);
	pango_font_description_set_weight(t->font, PANGO_WEIGHT_NORMAL);
	pango_layout_set_font_description(l, t->font);
	pango_layout_set_width(l, w);
	pango_layout_set_alignment(l, align);
	pango_layout_set_text(l, text, -1);
	char *copy = strdup(text);
	if (!copy)
		return l; /* not kept */
	if (c->layout)
		g_object_unref(c->layout);
	free(c->text);
	*c = (struct cached_layout){
	    .hash = h, .size = sz, .width = w, .align = align, .text = copy, .layout = l};
	return g_object_ref(l);
}

static cairo_status_t write_out(void *closure, const unsigned char *data, unsigned int length)
{
	struct pd_buf *b = closure;
	return pd_buf_append(b, data, length) == 0 ? CAIRO_STATUS_SUCCESS
	                                           : CAIRO_STATUS_WRITE_ERROR;
}

static void footer(struct flow *f)
{
	char page[64];
	snprintf(page, sizeof(page), "Page %d / 第%d页", f->page, f->page);
	cairo_save(f->cr);
	cairo_set_source_rgb(f->cr, 0.4, 0.4, 0.4);
	PangoLayout *l =
	    layout_for(f, f->footer ? f->footer : "", 7.5, PAPER_TEXT_WIDTH - 90, PANGO_ALIGN_LEFT);
	if (l) {
		cairo_move_to(f->cr, PAPER_MARGIN, PAPER_HEIGHT - 48);
		pango_cairo_show_layout(f->cr, l);
		g_object_unref(l);
	}
	l = layout_for(f, page, 7.5, 90, PANGO_ALIGN_RIGHT);
	if (l) {
		cairo_move_to(f->cr, PAPER_WIDTH - PAPER_MARGIN - 90, PAPER_HEIGHT - 48);
		pango_cairo_show_layout(f->cr, l);
		g_object_unref(l);
	}
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
	if (cairo_status(f->cr) != CAIRO_STATUS_SUCCESS)
		return PD_FAIL(PD_ENOMEM);
	f->thread = thread_state(f->cr);
	return f->thread ? 0 : PD_FAIL(PD_ENOMEM);
}

int flow_end(struct flow *f)
{
	int rc = 0;
	if (f->cr && f->thread) { /* else flow_begin failed: no page to finish */
		footer(f);
		cairo_show_page(f->cr);
	}
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
 * Draws text at x, size pt, wrapped to width (0: to the right limit) line by
 * line from f->y, starting a new page before any line that does not fit.
 * Returns the y under its last line; *first_page (may be NULL) is set when
 * the whole block stayed on the page it began on.
 */
static double show_lines(struct flow *f, double x, double width, const char *text, double size,
                         bool *first_page)
{
	if (first_page)
		*first_page = true;
	if (width <= 0 || width > room(f, x))
		width = room(f, x);
	PangoLayout *layout = layout_for(f, text ? text : "", size, width, PANGO_ALIGN_LEFT);
	if (!layout)
		return f->y;
	PangoLayoutIter *it = pango_layout_get_iter(layout);
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
	g_object_unref(layout);
	if (first_page)
		*first_page = same;
	return end;
}

void flow_text(struct flow *f, double x, double width, const char *text, double size, bool bold,
               double grey)
{
	if (!text || !*text)
		return;
	(void)bold; /* one face: see layout_for() */
	cairo_set_source_rgb(f->cr, grey, grey, grey);
	f->y = show_lines(f, x, width, text, size, NULL);
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
	cairo_set_source_rgb(f->cr, 0.35, 0.35, 0.35);
	double label_end = show_lines(f, 0, PAPER_LABEL_WIDTH - 8, label, 8.5, NULL);
	cairo_set_source_rgb(f->cr, 0, 0, 0);
	f->y = top;
	bool same = true;
	f->y = show_lines(f, PAPER_LABEL_WIDTH, 0, value_en, 10.5, &same);
	if (value_zh) {
		bool same_zh = true;
		f->y = show_lines(f, PAPER_LABEL_WIDTH, 0, value_zh, 10.5, &same_zh);
		same = same && same_zh;
	}
	if (same && label_end > f->y)
		f->y = label_end;
	f->y += 5;
}

/* The bit of pixel x in its 32-bit word of a CAIRO_FORMAT_A1 row: cairo
 * numbers a word's pixels from the least significant bit on a little-endian
 * machine and from the most significant on a big-endian one. */
static uint32_t a1_bit(int x)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	return 1u << (31 - x % 32);
#else
	return 1u << (x % 32);
#endif
}

int flow_qr(struct flow *f, const char *text, double size)
{
	QRcode *qr = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
	if (!qr)
		return PD_FAIL(PD_ENOMEM);
	int quiet = 4; /* modules of white border, as ISO/IEC 18004 asks */
	int n = qr->width + 2 * quiet;
	/* An image of the modules, scaled to size: the PDF holds a few kilobytes
	 * of one-bit image instead of a path of hundreds of squares that cairo
	 * writes and analyses one by one.  Each module is MODULE_PX pixels, so a
	 * viewer that smooths an image it enlarges less than four times (poppler
	 * does) blurs only the edge of a module, and one rendering at 60 dpi
	 * shrinks it as it would a path. */
	enum { MODULE_PX = 4 };
	int px_n = n * MODULE_PX;
	cairo_surface_t *img = cairo_image_surface_create(CAIRO_FORMAT_A1, px_n, px_n);
	if (cairo_surface_status(img) != CAIRO_STATUS_SUCCESS) {
		cairo_surface_destroy(img);
		QRcode_free(qr);
		return PD_FAIL(PD_ENOMEM);
	}
	cairo_surface_flush(img);
	unsigned char *px = cairo_image_surface_get_data(img);
	int stride = cairo_image_surface_get_stride(img);
	memset(px, 0, (size_t)stride * (size_t)px_n);
	for (int r = 0; r < qr->width; r++) {
		/* One row of pixels, then copied to the module's other rows. */
		uint32_t *row =
		    (uint32_t *)(px + (size_t)((r + quiet) * MODULE_PX) * (size_t)stride);
		for (int c = 0; c < qr->width; c++)
			if (qr->data[r * qr->width + c] & 1)
				for (int x = (c + quiet) * MODULE_PX;
				     x < (c + quiet + 1) * MODULE_PX; x++)
					row[x / 32] |= a1_bit(x);
		for (int k = 1; k < MODULE_PX; k++)
			memcpy((unsigned char *)row + (size_t)k * (size_t)stride, row,
			       (size_t)stride);
	}
	cairo_surface_mark_dirty(img);
	QRcode_free(qr);
	double x0 = PAPER_WIDTH - PAPER_MARGIN - size, y0 = f->y;
	cairo_save(f->cr);
	cairo_set_source_rgb(f->cr, 0, 0, 0);
	cairo_translate(f->cr, x0, y0);
	cairo_scale(f->cr, size / px_n, size / px_n);
	cairo_pattern_t *mask = cairo_pattern_create_for_surface(img);
	cairo_pattern_set_filter(mask, CAIRO_FILTER_NEAREST);
	cairo_mask(f->cr, mask);
	cairo_pattern_destroy(mask);
	cairo_restore(f->cr);
	cairo_surface_destroy(img);
	f->right_limit = x0 - 12;
	f->keep_clear_until = y0 + size + 4;
	return 0;
}

static gint fontmap_gone; /* set when the font map given up below is finalized */

static void fontmap_finalized(gpointer data, GObject *where)
{
	(void)where;
	g_atomic_int_set((gint *)data, 1);
}

void pd_paper_cleanup(void)
{
	pthread_once(&thread_once, thread_key_make);
	if (thread_key_ok) {
		thread_free(pthread_getspecific(thread_key));
		pthread_setspecific(thread_key, NULL);
	}
	/*
	 * pango may still hold the font map for a moment after the last paper:
	 * it works with fontconfig on threads of its own (initialising it, and
	 * sorting the fallback fonts of a font description), which nothing lets
	 * a caller wait for.  The map's fonts hold cairo's scaled fonts, and
	 * cairo's static data may only be reset once none is left, so wait (a
	 * few milliseconds in practice) for the map to go; if it never does,
	 * leave cairo's caches to the end of the process rather than fail.
	 * fontconfig's are left to the end of the process in any case: FcFini()
	 * while one of pango's threads is in fontconfig fails an assertion and
	 * aborts, which a paper made in a few milliseconds made happen (about one
	 * `permitdesk print` in a hundred).
	 */
	PangoFontMap *map = pango_cairo_font_map_get_default();
	g_atomic_int_set(&fontmap_gone, 0);
	g_object_weak_ref(G_OBJECT(map), fontmap_finalized, &fontmap_gone);
	pango_cairo_font_map_set_default(NULL);
	for (int ms = 0; !g_atomic_int_get(&fontmap_gone) && ms < 5000; ms++)
		g_usleep(1000);
	if (!g_atomic_int_get(&fontmap_gone))
		return;
	cairo_debug_reset_static_data();
}
