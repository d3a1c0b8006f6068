#include "config.h"
#include <stdlib.h>
#include "base/regex.h"
#include "base/limits.h"
#include "base/xalloc.h"
#include "base/banned.h"

pcre2_match_context *regex_context(void)
{
	static pcre2_match_context *ctx;
	if (!ctx) {
		ctx = pcre2_match_context_create(NULL);
		if (!ctx)
			xalloc_die(sizeof(void *));
		pcre2_set_match_limit(ctx, REGEX_MATCH_LIMIT);
		pcre2_set_depth_limit(ctx, REGEX_DEPTH_LIMIT);
	}
	return ctx;
}

int regex_match(const pcre2_code *re, const char *s, size_t len, char **err)
{
	pcre2_match_data *md = pcre2_match_data_create_from_pattern(re, NULL);
	if (!md)
		xalloc_die(sizeof(void *));
	int rc = pcre2_match(re, (PCRE2_SPTR)s, len, 0, 0, md, regex_context());
	pcre2_match_data_free(md);
	if (rc >= 0)
		return 1;
	if (rc == PCRE2_ERROR_NOMATCH)
		return 0;
	if (err) {
		PCRE2_UCHAR msg[256];
		pcre2_get_error_message(rc, msg, sizeof(msg));
		*err = xasprintf("the pattern could not be matched against a %zu-byte value: %s", len, (char *)msg);
	}
	return -1;
}
