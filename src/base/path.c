#include "config.h"
#include <string.h>
#include "base/path.h"
#include "base/xalloc.h"
#include "base/banned.h"

const char *path_base(const char *p)
{
	const char *s = strrchr(p, '/');
	return s ? s + 1 : p;
}

char *path_abs(const char *cwd, const char *p)
{
	if (*p == '/')
		return xstrdup(p);
	size_t n = strlen(cwd);
	return xasprintf("%s%s%s", cwd, n && cwd[n - 1] == '/' ? "" : "/", p);
}

char *path_beside(const char *file, const char *rel)
{
	if (*rel == '/')
		return xstrdup(rel);
	const char *slash = strrchr(file, '/');
	return slash ? xasprintf("%.*s/%s", (int)(slash - file), file, rel) : xstrdup(rel);
}
