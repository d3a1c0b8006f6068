#include "config.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cmd/cmd.h"
#include "base/xalloc.h"
#include "base/banned.h"

int cmd_list(const struct cmd_opts *o, char *const *args, size_t nargs)
{
	(void)args;
	(void)nargs;
	struct defs d;
	if (cmd_load_defs(o, &d) < 0) {
		defs_release(&d);
		return 2;
	}
	char *bad = o->benchmarks ? defs_unmatched_benchmark(&d, o->benchmarks) : NULL;
	if (bad) {
		cmd_error("unknown benchmark '%s' (boxaudit list shows them all)", bad);
		free(bad);
		defs_release(&d);
		return 2;
	}
	size_t shown = 0, unverified = 0;
	int listing = o->benchmarks || o->verbose;
	for (size_t i = 0; i < d.nbenches; i++) {
		struct benchmark *b = d.benches[i];
		if (o->benchmarks && !defs_match_list(o->benchmarks, b->id))
			continue;
		size_t manual = 0;
		for (size_t k = 0; k < b->nchecks; k++)
			manual += b->checks[k].rule->manual;
		printf("%s  %s v%s  (%zu checks, %zu evaluated mechanically)\n", b->id, b->title,
		       b->version, b->nchecks, b->nchecks - manual);
		if (!o->benchmarks && !o->verbose)
			continue;
		for (size_t k = 0; k < b->nchecks; k++) {
			const struct check *c = &b->checks[k];
			if (!defs_check_selected(&o->select, c))
				continue;
			/* "?": taken from secondary sources, not confirmed (checks/README.md) */
			char *assess = xasprintf("%s%s", c->assessment,
						 c->unverified & CHECK_UNVERIFIED_ASSESSMENT ? "?" : "");
			printf("  %-8s L%d%c%-10s %-6s %s\n", c->id, c->level,
			       c->unverified & CHECK_UNVERIFIED_LEVEL ? '?' : ' ', assess,
			       c->rule->manual ? "manual" : "auto", c->title);
			free(assess);
			unverified += c->unverified != 0;
			shown++;
		}
	}
	defs_release(&d);
	if (unverified)
		printf("\n?: level or assessment taken from secondary sources, not confirmed by the CIS "
		       "publication (%zu checks; boxaudit explain ID says which)\n", unverified);
	if (listing && !shown && (o->select.only || o->select.skip || o->select.level)) {
		cmd_error("%s", "the selection (--check, --skip, --level) matches no check");
		return 2;
	}
	return 0;
}
