/*
 * docgen.c: the manual page permitdesk(1) and the bash completion, written
 * from the command table of main.c (`permitdesk help --man`, `permitdesk help
 * --completion bash`).  The build runs them on the program it has just built
 * and installs what they print, so neither can drift from the commands.
 *
 * The completion reads each command's synopsis: a word after `--` is an
 * option; a lowercase word or words joined by | after an option are the
 * values it takes (--format json|text|pdf), an uppercase word its argument
 * (a DIR completes directories, a FILE or PATH files); a lowercase word
 * elsewhere is an action (policy lint, calendar add, print receipt|notice);
 * COMMAND names a command.
 */
#include <ctype.h>
#include <string.h>

#include "cli.h"

#define MAX_OPTS 48
#define MAX_ACTIONS 32
#define MAX_WORD 64
#define MAX_VALUES 160

enum arg_kind { ARG_NONE, ARG_VALUES, ARG_DIR, ARG_FILE, ARG_OTHER };

struct opt {
	char name[MAX_WORD];
	enum arg_kind kind;
	char values[MAX_VALUES]; /* ARG_VALUES: separated by spaces */
};

struct syntax {
	struct opt opts[MAX_OPTS];
	int n_opts;
	char actions[MAX_ACTIONS][MAX_WORD];
	int n_actions;
	bool takes_command; /* a COMMAND placeholder: complete command names */
};

/* Copies a word into a MAX_WORD buffer, cut when longer (synopsis words are short). */
static void copy_word(char *dst, const char *src)
{
	size_t len = strnlen(src, MAX_WORD - 1);
	memcpy(dst, src, len);
	dst[len] = '\0';
}

static bool is_lower_word(const char *w)
{
	if (!islower((unsigned char)w[0]))
		return false;
	for (const char *p = w; *p; p++)
		if (!islower((unsigned char)*p) && *p != '-' && *p != '|' &&
		    !isdigit((unsigned char)*p))
			return false;
	return true;
}

static bool has_upper(const char *w)
{
	for (const char *p = w; *p; p++)
		if (isupper((unsigned char)*p))
			return true;
	return false;
}

/* Appends the words of "a|b|c" to a space-separated list, each once. */
static void add_words(char *list, size_t size, char (*arr)[MAX_WORD], int *n, int max,
                      const char *alts)
{
	char buf[MAX_WORD];
	copy_word(buf, alts);
	for (char *save = NULL, *w = strtok_r(buf, "|", &save); w; w = strtok_r(NULL, "|", &save)) {
		if (arr) {
			bool seen = false;
			for (int i = 0; i < *n; i++)
				seen = seen || strcmp(arr[i], w) == 0;
			if (!seen && *n < max)
				copy_word(arr[(*n)++], w);
			continue;
		}
		char padded[MAX_WORD + 2];
		snprintf(padded, sizeof(padded), " %s ", w);
		char have[MAX_VALUES + 2];
		snprintf(have, sizeof(have), " %s ", list);
		if (strstr(have, padded))
			continue;
		size_t len = strlen(list);
		snprintf(list + len, size - len, "%s%s", len ? " " : "", w);
	}
}

static struct opt *find_opt(struct syntax *s, const char *name)
{
	for (int i = 0; i < s->n_opts; i++)
		if (strcmp(s->opts[i].name, name) == 0)
			return &s->opts[i];
	if (s->n_opts == MAX_OPTS)
		return NULL;
	struct opt *o = &s->opts[s->n_opts++];
	memset(o, 0, sizeof(*o));
	copy_word(o->name, name);
	return o;
}

/* Reads one command's synopsis (lines, alternatives separated by " | "). */
static void parse_synopsis(const struct cli_command *c, struct syntax *s)
{
	char text[4096];
	size_t len = 0;
	memset(s, 0, sizeof(*s));
	/* Brackets as words of their own: an option's argument is in its brackets. */
	for (const char *p = c->synopsis; *p && len + 4 < sizeof(text); p++) {
		if (*p == '[' || *p == ']') {
			text[len++] = ' ';
			text[len++] = *p;
			text[len++] = ' ';
		} else {
			text[len++] = *p;
		}
	}
	text[len] = '\0';
	char words[256][MAX_WORD];
	int n = 0;
	for (char *save = NULL, *w = strtok_r(text, " \n", &save); w && n < 256;
	     w = strtok_r(NULL, " \n", &save)) {
		size_t wl = strlen(w);
		while (wl >= 3 && strcmp(w + wl - 3, "...") == 0)
			w[wl -= 3] = '\0';
		if (wl)
			copy_word(words[n++], w);
	}
	struct opt *last = NULL; /* the option whose argument may come next */
	bool at_start = true;    /* the next word may be the command's name */
	for (int i = 0; i < n; i++) {
		const char *w = words[i];
		if (strcmp(w, "|") == 0 || strcmp(w, "permitdesk") == 0) {
			at_start = true;
			last = NULL;
			continue;
		}
		if (strcmp(w, "[") == 0 || strcmp(w, "]") == 0) {
			last = NULL;
			continue;
		}
		if (at_start && strcmp(w, c->name) == 0) {
			at_start = false;
			continue;
		}
		at_start = false;
		if (strncmp(w, "--", 2) == 0) {
			last = find_opt(s, w);
			continue;
		}
		if (last && is_lower_word(w) && last->kind != ARG_DIR && last->kind != ARG_FILE) {
			last->kind = ARG_VALUES;
			add_words(last->values, sizeof(last->values), NULL, NULL, 0, w);
		} else if (last && has_upper(w)) {
			last->kind = strstr(w, "DIR")                         ? ARG_DIR
			             : strstr(w, "FILE") || strstr(w, "PATH") ? ARG_FILE
			                                                      : ARG_OTHER;
		} else if (is_lower_word(w)) {
			add_words(NULL, 0, s->actions, &s->n_actions, MAX_ACTIONS, w);
		} else if (strcmp(w, "COMMAND") == 0) {
			s->takes_command = true;
		}
		last = NULL;
	}
}

/* ---- bash completion ---------------------------------------------------------------------- */

int cli_print_completion_bash(FILE *out)
{
	size_t n;
	const struct cli_command *cmds = cli_commands(&n);
	static struct syntax s;

	fprintf(out,
	        "# bash completion for permitdesk(1).  Generated by `permitdesk help --completion "
	        "bash`\n# from the program's command table; do not edit.\n\n"
	        "_permitdesk()\n{\n"
	        "\tlocal cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}\n"
	        "\tlocal cmd=${COMP_WORDS[1]} opts= actions= argopts= i w\n"
	        "\tCOMPREPLY=()\n"
	        "\tif [ \"$COMP_CWORD\" -eq 1 ]; then\n"
	        "\t\tmapfile -t COMPREPLY < <(compgen -W \"");
	for (size_t i = 0; i < n; i++)
		fprintf(out, "%s ", cmds[i].name);
	fprintf(out, "--help --version\" -- \"$cur\")\n\t\treturn\n\tfi\n\tcase $cmd in\n");
	for (size_t i = 0; i < n; i++) {
		parse_synopsis(&cmds[i], &s);
		fprintf(out, "\t%s)\n\t\topts=\"", cmds[i].name);
		for (int k = 0; k < s.n_opts; k++)
			fprintf(out, "%s ", s.opts[k].name);
		fprintf(out, "--help\"\n\t\targopts=\"");
		for (int k = 0, sep = 0; k < s.n_opts; k++)
			if (s.opts[k].kind != ARG_NONE)
				fprintf(out, "%s%s", sep++ ? " " : "", s.opts[k].name);
		fprintf(out, "\"\n\t\tactions=\"");
		for (int k = 0; k < s.n_actions; k++)
			fprintf(out, "%s%s", k ? " " : "", s.actions[k]);
		if (s.takes_command)
			for (size_t k = 0; k < n; k++)
				fprintf(out, "%s%s", k || s.n_actions ? " " : "", cmds[k].name);
		fprintf(out, "\"\n\t\tcase $prev in\n");
		for (int k = 0; k < s.n_opts; k++) {
			const struct opt *o = &s.opts[k];
			if (o->kind == ARG_VALUES)
				fprintf(out,
				        "\t\t%s) mapfile -t COMPREPLY < <(compgen -W \"%s\" -- "
				        "\"$cur\"); "
				        "return ;;\n",
				        o->name, o->values);
			else if (o->kind == ARG_DIR)
				fprintf(out,
				        "\t\t%s) mapfile -t COMPREPLY < <(compgen -d -- \"$cur\"); "
				        "return ;;\n",
				        o->name);
			else if (o->kind == ARG_FILE)
				fprintf(out,
				        "\t\t%s) mapfile -t COMPREPLY < <(compgen -f -- \"$cur\"); "
				        "return ;;\n",
				        o->name);
			else if (o->kind == ARG_OTHER)
				fprintf(out, "\t\t%s) return ;;\n", o->name);
		}
		fprintf(out, "\t\tesac\n\t\t;;\n");
	}
	fprintf(out, "\t*) return ;;\n\tesac\n"
	             "\tif [[ $cur == -* ]]; then\n"
	             "\t\tmapfile -t COMPREPLY < <(compgen -W \"$opts\" -- \"$cur\")\n"
	             "\t\treturn\n\tfi\n"
	             "\t# The first word after the command and its options is its action.\n"
	             "\tif [ -n \"$actions\" ]; then\n"
	             "\t\tfor ((i = 2; i < COMP_CWORD; i++)); do\n"
	             "\t\t\tw=${COMP_WORDS[i]}\n"
	             "\t\t\tif [[ $w == -* ]]; then\n"
	             "\t\t\t\t[[ \" $argopts \" == *\" $w \"* ]] && ((i++))\n"
	             "\t\t\telse\n"
	             "\t\t\t\tactions=\n\t\t\t\tbreak\n"
	             "\t\t\tfi\n"
	             "\t\tdone\n"
	             "\tfi\n"
	             "\tif [ -n \"$actions\" ]; then\n"
	             "\t\tmapfile -t COMPREPLY < <(compgen -W \"$actions\" -- \"$cur\")\n"
	             "\telse\n"
	             "\t\tcompopt -o filenames 2>/dev/null\n"
	             "\t\tmapfile -t COMPREPLY < <(compgen -f -- \"$cur\")\n"
	             "\tfi\n"
	             "}\n"
	             "complete -F _permitdesk permitdesk\n");
	return ferror(out) ? EXIT_IOERR : EXIT_OK;
}

/* ---- the manual page ---------------------------------------------------------------------- */

/* Text as roff: backslashes and hyphens escaped, a line never starting with a control
 * character. */
static void roff(FILE *out, const char *text)
{
	bool line_start = true;
	for (const char *p = text; *p; p++) {
		if (line_start && (*p == '.' || *p == '\''))
			fputs("\\&", out);
		if (*p == '\\')
			fputs("\\e", out);
		else if (*p == '-')
			fputs("\\-", out);
		else
			fputc(*p, out);
		line_start = *p == '\n';
	}
}

/* A synopsis, a line each: "permitdesk" before the first, continuations indented by four. */
static void synopsis(FILE *out, const char *text)
{
	for (const char *line = text; *line;) {
		const char *end = strchr(line, '\n');
		size_t len = end ? (size_t)(end - line) : strlen(line);
		char buf[512];
		size_t skip = strspn(line, " ");
		snprintf(buf, sizeof(buf), "%.*s", (int)(len - (skip < len ? skip : len)),
		         line + skip);
		if (line == text)
			fputs("permitdesk ", out);
		else if (strncmp(buf, "permitdesk ", 11) != 0)
			fputs("    ", out);
		roff(out, buf);
		fputc('\n', out);
		line = end ? end + 1 : line + len;
	}
}

/* Environment variables the program reads, for ENVIRONMENT. */
static const struct {
	const char *name, *text;
} environment[] = {
    {"PERMITDESK_POLICY",
     "The policy directory when --policy is not given. Without either, an installed program "
     "takes the packs installed beside it (../share/permitdesk/policy from the directory of the "
     "executable), and a program in its build tree the source tree's policy/."},
    {"PERMITDESK_DB", "The database when --db is not given: a file for SQLite, or a "
                      "postgresql:// URL."},
    {"PERMITDESK_TOKEN", "A session token proving --as, instead of a password on standard "
                         "input."},
    {"PERMITDESK_AUDIT_KEY", "The audit key file when --audit-key is not given."},
    {"PERMITDESK_BASE_URL", "The address printed in a receipt's QR code when --base-url is not "
                            "given."},
    {"PERMITDESK_TODAY", "A date YYYY-MM-DD taken for today instead of the clock (China "
                         "Standard Time); for tests and for replaying a day."},
};

int cli_print_man(FILE *out)
{
	size_t n;
	const struct cli_command *cmds = cli_commands(&n);

	fprintf(out,
	        ".\\\" permitdesk(1).  Generated by `permitdesk help --man` from the "
	        "program's command table; do not edit.\n"
	        ".TH PERMITDESK 1 \"\" \"permitdesk %s\" \"User Commands\"\n"
	        ".SH NAME\n"
	        "permitdesk \\- the service desk for foreigners' residence permits and "
	        "in\\-country visas in China\n"
	        ".SH SYNOPSIS\n"
	        ".B permitdesk\n.I COMMAND\n[\\fIOPTIONS\\fR]\n.br\n"
	        ".B permitdesk help\n[\\fICOMMAND\\fR]\n.br\n"
	        ".B permitdesk\n\\fICOMMAND\\fR \\-\\-help\n"
	        ".SH DESCRIPTION\n",
	        PD_CLI_VERSION);
	roff(out, "Given what is known of one application, permitdesk decides eligibility, lists "
	          "every required material with its status, computes the longest stay or validity "
	          "that may be granted, the fee, the deposit, the apply-by date and the decision "
	          "date in official working days, and cites the source clause of each.  Every rule "
	          "lives in a policy pack (YAML) with its citation.  It also keeps cases through "
	          "their workflow (SQLite or PostgreSQL), prints their papers, and serves the same "
	          "as an HTTP API with a web desk.\n");
	fprintf(out, ".SH COMMANDS\n");
	for (size_t i = 0; i < n; i++) {
		fprintf(out, ".SS %s\n.nf\n", cmds[i].name);
		synopsis(out, cmds[i].synopsis);
		fprintf(out, ".fi\n");
		roff(out, cmds[i].summary);
		fputc('\n', out);
		if (cmds[i].help[0]) {
			fprintf(out, ".PP\n.nf\n");
			roff(out, cmds[i].help);
			fprintf(out, "\n.fi\n");
		}
	}
	fprintf(out, ".SH ENVIRONMENT\n");
	for (size_t i = 0; i < sizeof(environment) / sizeof(environment[0]); i++) {
		fprintf(out, ".TP\n.B %s\n", environment[i].name);
		roff(out, environment[i].text);
		fputc('\n', out);
	}
	fprintf(out, ".SH FILES\n.TP\n.I share/permitdesk/policy/\n");
	roff(out, "Under the installation prefix: the policy packs and the official working-day "
	          "calendar (calendar/cn.yaml).\n");
	fprintf(out, ".TP\n.I share/doc/permitdesk/\n");
	roff(out, "README.md, the documents (docs/) and the example cases (examples/).\n");
	fprintf(out, ".SH EXIT STATUS\n");
	roff(out, "As sysexits.h: 0 done (whatever the verdict), 64 usage, 65 bad input (with "
	          "file:line:column: path: message) or an action the case's state does not allow, "
	          "66 missing file, database or case, 74 I/O error, 75 temporary failure (try "
	          "again), 77 not permitted, 78 policy or configuration error, 70 internal error.  "
	          "Each command's own codes are listed under COMMANDS.\n");
	fprintf(out, ".SH EXAMPLES\n.nf\n");
	roff(out, "permitdesk check share/doc/permitdesk/examples/zhejiang-q2-extension.json\n"
	          "permitdesk check --format text --lang zh case.json\n"
	          "permitdesk calendar add 2026-09-28 7\n"
	          "permitdesk policy lint\n"
	          "permitdesk serve --listen 127.0.0.1:8080 --db desk.db");
	fprintf(out, "\n.fi\n.SH SEE ALSO\n");
	roff(out,
	     "The documents installed in share/doc/permitdesk/: README.md, docs/format.md (the "
	     "case and the result), docs/api.md (the HTTP API), docs/operations.md (running "
	     "it), docs/policy-language.md (the policy packs).\n");
	return ferror(out) ? EXIT_IOERR : EXIT_OK;
}
