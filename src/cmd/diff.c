#include "config.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cmd/cmd.h"
#include "base/limits.h"
#include "score/drift.h"
#include "base/xalloc.h"
#include "base/banned.h"

static int write_drift_text(const json_t *drift, const struct write_opts *o, struct buf *out, char **err)
{
	(void)o;
	if (drift_write_text(drift, out) < 0) {
		*err = xstrdup("the drift report is larger than the output limit");
		return -1;
	}
	return 0;
}

/* What diff writes: the drift document as text or JSON. */
static const char *const no_ext[] = { NULL };
static const struct writer diff_writers[] = {
	{ "text", no_ext, write_drift_text },
	{ "json", no_ext, report_write_json },
	{ NULL, NULL, NULL },
};

/* "boxaudit diff A.json B.json": the drift from A to B; 1 when B has regressions. */
int cmd_diff(const struct cmd_opts *o, char *const *args, size_t nargs)
{
	char *err = NULL;
	(void)nargs;
	json_t *da = drift_load(args[0], &err), *db = da ? drift_load(args[1], &err) : NULL;
	json_t *drift = db ? drift_compute(da, db, NULL, &err) : NULL;
	int rc = 2;
	if (!drift) {
		cmd_error("%s", err);
		goto out;
	}
	rc = drift_regressions(drift) > 0;
	for (size_t i = 0; i < o->noutputs; i++) {
		const struct report_output *out = &o->outputs[i];
		const struct writer *w = writer_find(diff_writers, out->format);
		if (!w) {
			cmd_error("diff writes text or json, not %s", out->format);
			rc = 2;
			continue;
		}
		if (o->quiet && !strcmp(out->path, "-") && rc == 0)
			continue;
		struct write_opts wo = {0};
		if (cmd_write(w, drift, &wo, out->path, REPORT_CAP) < 0)
			rc = 2;
	}
out:
	free(err);
	json_decref(drift);
	json_decref(da);
	json_decref(db);
	return rc;
}
