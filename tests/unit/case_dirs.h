/*
 * case_dirs: run a function over every case directory of a data-driven
 * test (tests/cases/SUB/NAME), in any order.  Returns how many ran.
 */
#ifndef BOXAUDIT_TEST_CASE_DIRS_H
#define BOXAUDIT_TEST_CASE_DIRS_H

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>

static int for_each_case(const char *sub, void (*fn)(const char *dir, const char *name))
{
	const char *top = getenv("top_srcdir");
	char dir[1024];
	snprintf(dir, sizeof(dir), "%s/tests/cases/%s", top ? top : ".", sub);
	DIR *d = opendir(dir);
	assert_non_null(d);
	struct dirent *de;
	int n = 0;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		char c[1400];
		snprintf(c, sizeof(c), "%s/%s", dir, de->d_name);
		fn(c, de->d_name);
		n++;
	}
	closedir(d);
	return n;
}

#endif
