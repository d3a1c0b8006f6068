#include "config.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cmd/cmd.h"
#include "base/xalloc.h"
#include "base/banned.h"

int cmd_validate(const struct cmd_opts *o, char *const *files, size_t nfiles)
{
	struct defs d;
	defs_init(&d);
	/* Rules the user's benchmarks may name come from the built-in library. */
	int rc = defs_load_dir(&d, o->checks_dir ? o->checks_dir : cmd_checks_dir());
	size_t builtin_errors = d.nerrors;
	for (int pass = 0; pass < 2; pass++)
		for (size_t i = 0; i < nfiles; i++) {
			int is_rules = strstr(files[i], "rules") != NULL;
			if (is_rules != (pass == 0))
				continue;
			/* A file already loaded as part of the built-in set is not loaded twice. */
			char *real = realpath(files[i], NULL);
			int dup = 0;
			for (size_t k = 0; real && k < d.nfiles; k++) {
				char *r2 = realpath(d.files[k], NULL);
				if (r2 && !strcmp(real, r2))
					dup = 1;
				free(r2);
			}
			free(real);
			if (!dup && defs_load_file(&d, files[i]) < 0)
				rc = -1;
		}
	if (defs_resolve(&d) < 0)
		rc = -1;
	cmd_print_errors(&d);
	if (builtin_errors)
		cmd_error("(%zu of those errors are in the built-in definitions)", builtin_errors);
	if (rc == 0)
		printf("%zu file%s valid\n", nfiles, nfiles == 1 ? "" : "s");
	defs_release(&d);
	return rc < 0 ? 2 : 0;
}
