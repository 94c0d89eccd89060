/*
 * cmd_facts.c: `permitdesk facts [--pretty]`: every fact a case may hold,
 * with its type, whether it is derived, the words an enumerated fact takes
 * with their English and Chinese labels, and its question text
 * (pd_facts_write_json, the same JSON as GET /api/v1/facts).  Needs no
 * policy: the facts are the library's, the same for every pack.
 *
 * Exit codes (sysexits.h): 0 printed, 64 usage, 70 out of memory.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "permitdesk/codec.h"

int cmd_facts(int argc, char **argv)
{
	bool pretty = false;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--pretty") == 0)
			pretty = true;
		else if (argv[i][0] == '-')
			return cli_usage("facts", "unknown option '%s'", argv[i]);
		else
			return cli_usage("facts", "unexpected argument '%s'", argv[i]);
	}
	struct pd_buf out;
	pd_buf_init(&out, 0);
	int rc = pd_facts_write_json(&out, pretty);
	if (rc) {
		struct pd_error err = {0};
		pd_error_set(&err, -rc, "out of memory writing the facts");
		pd_buf_free(&out);
		return cli_fail(&err);
	}
	fwrite(out.data, 1, out.len, stdout);
	fputc('\n', stdout);
	pd_buf_free(&out);
	return EXIT_OK;
}
