#include "config.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cmd/cmd.h"
#include "base/limits.h"
#include "fleet/merge.h"
#include "base/xalloc.h"
#include "base/banned.h"

/* "boxaudit merge PATH...": one fleet report from host reports. */
int cmd_merge(const struct cmd_opts *o, char *const *paths, size_t npaths)
{
	char *err = NULL;
	for (size_t i = 0; i < o->noutputs; i++)
		if (!writer_find(fleet_writers, o->outputs[i].format)) {
			cmd_error("merge writes text, json or html, not %s",
				o->outputs[i].format);
			return 2;
		}
	struct merge_opts mo = o->merge;
	mo.quiet = o->quiet;
	struct fleet *apart;
	json_t *fleet = merge_reports(paths, npaths, &mo, &apart, &err);
	if (!fleet) {
		cmd_error("%s", err);
		free(err);
		return 2;
	}
	int rc = 0;
	if (json_integer_value(json_object_get(json_object_get(fleet, "summary"), "hosts")) == 0) {
		cmd_error("merge: no host report could be merged");
		rc = 2;
	}
	for (size_t i = 0; i < o->noutputs; i++) {
		struct write_opts wo = { .fleet = apart };
		if (cmd_write(writer_find(fleet_writers, o->outputs[i].format), fleet, &wo,
			      o->outputs[i].path, FLEET_OUT_CAP) < 0)
			rc = 2;
	}
	json_decref(fleet);
	fleet_free(apart);
	return rc;
}
