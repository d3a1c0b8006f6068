/*
 * unit: the directives of systemd unit files, parsed from their text.
 *
 * Only what boxaudit reads is kept, with systemd's semantics: an empty
 * ExecStart= resets the list, Environment= and EnvironmentFile= accumulate
 * (a leading "-" makes the file optional), ListenStream= for sockets.
 * Continuation lines, comments and sections are handled as systemd does.
 * Finding the unit and its drop-ins is collect/systemd.h's.
 */
#ifndef BOXAUDIT_UNIT_H
#define BOXAUDIT_UNIT_H

#include <stddef.h>
#include <jansson.h>

/* What the directives of one unit (and its drop-ins) amount to. */
struct unit_state {
	json_t *exec;		/* array of {"raw", "path", "line"}: ExecStart= since the last reset */
	json_t *env;		/* array of "K=V" from Environment=, in order */
	json_t *env_files;	/* array of {"path", "optional"} */
	json_t *listen;		/* array of ListenStream= values */
	json_t *errors;
};

void unit_state_init(struct unit_state *u);
void unit_state_release(struct unit_state *u);

/* Add "PATH:LINE: message" (or "PATH: message" for line 0) to u->errors. */
void unit_add_error(struct unit_state *u, const char *path, size_t line, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* Parse one unit file or drop-in (len bytes of text) into u. */
void unit_parse(struct unit_state *u, const char *path, const char *text, size_t len);

/*
 * Split an ExecStart= line and expand $VAR / ${VAR} from env the way
 * systemd does ($VAR as a whole word splits into words); prefixes -@:+!
 * are stripped and "@" drops the argv[0] word.  A new array, or JSON null
 * when the line does not split (the error is added to u).
 */
json_t *unit_expand_exec(struct unit_state *u, const char *raw, const char *path,
			 size_t line, json_t *env);

/*
 * s with the unit specifiers that follow from the unit's name expanded
 * (systemd.unit(5) "Specifiers"): %n the full name, %N the name without
 * its type suffix, %p the prefix (before "@", else %N), %i the instance,
 * %% a percent sign.  Others (%H, %m, ...) depend on the host and are left
 * as written.  A new string.
 */
char *unit_specifiers(const char *s, const char *unit);

#endif
