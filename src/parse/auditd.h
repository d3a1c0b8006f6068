/*
 * auditd: parse audit rules files as auditctl -R reads them, into the
 * "rules" of docs/FACTS.md "AUDIT", and answer whether a rule covers a path.
 *
 * Watches (-w PATH [-p PERMS] [-k KEY]) and syscall rules (-a LIST,ACTION
 * or -a ACTION,LIST with -S, -F path=, -F dir=, -F perm=, -F key=, -k,
 * -F arch=, other -F kept as text) become rule objects; -W removes earlier
 * matching watches and -d earlier matching syscall rules.  Comments, blank
 * lines and control lines (-D, -b, -f, -e, -r, --backlog_wait_time, ...)
 * are ignored.  A malformed line adds "FILE:LINE: reason" to errors and
 * records no rule; the other lines still count.
 */
#ifndef BOXAUDIT_AUDITD_H
#define BOXAUDIT_AUDITD_H

#include <stddef.h>
#include <jansson.h>

/*
 * Parse len bytes of text (the rules file named file) and append to the
 * arrays rules and errors (borrowed; -W/-d may remove earlier elements of
 * rules, also from earlier files).  Returns the number of errors added.
 */
int audit_parse(const char *file, const char *text, size_t len,
		json_t *rules, json_t *errors);

/*
 * True when rule (a "rules" element) audits path: a watch on path or on
 * a directory above it (watches of directories are recursive), or a syscall
 * rule that is not "never" with path=PATH, or dir=DIR above or at path.
 * Trailing and repeated slashes do not matter.
 */
int audit_rule_covers(const json_t *rule, const char *path);

/* True when path is dir or below it, component-wise ("/a/bc" is not below "/a/b"). */
int path_within(const char *dir, const char *path);

#endif
