/*
 * regex: run a compiled pcre2 pattern under explicit limits.
 *
 * A crafted subject (a history line with "-q" repeated a million times)
 * can make backtracking explode; pcre2 then stops with an error, which
 * must never be read as "no match".  Every match in boxaudit goes through
 * here, bounded by REGEX_MATCH_LIMIT and REGEX_DEPTH_LIMIT.
 */
#ifndef BOXAUDIT_REGEX_H
#define BOXAUDIT_REGEX_H

#include <stddef.h>
#ifndef PCRE2_CODE_UNIT_WIDTH
#define PCRE2_CODE_UNIT_WIDTH 8
#endif
#include <pcre2.h>

/* 1 on a match, 0 on none, -1 when pcre2 could not tell (*err says why; may be NULL). */
int regex_match(const pcre2_code *re, const char *s, size_t len, char **err);

/* The shared match context with the limits, for pcre2_substitute and friends. */
pcre2_match_context *regex_context(void);

#endif
