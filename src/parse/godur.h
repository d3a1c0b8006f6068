/*
 * godur: parse durations exactly as Go's time.ParseDuration does.
 *
 * Kubernetes configuration holds durations as Go strings ("4h", "1h30m",
 * "300ms", "0"); a CIS rule needs the number behind them.  Accepted: an
 * optional sign, then "0" alone or one or more DECIMAL UNIT pairs, where
 * DECIMAL is digits with an optional fraction ("1.5", ".5", "5.") and UNIT
 * one of ns, us, µs (U+00B5 or U+03BC), ms, s, m, h.
 */
#ifndef BOXAUDIT_GODUR_H
#define BOXAUDIT_GODUR_H

#include <stdint.h>

/*
 * Store the duration in nanoseconds in *ns and return 0; on a malformed
 * duration or one outside int64 return -1 and set *err (if err is not NULL)
 * to a new message the caller frees, e.g. "missing unit in duration \"5\"".
 */
int godur_parse(const char *s, int64_t *ns, char **err);

#endif
