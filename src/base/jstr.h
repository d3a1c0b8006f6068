/*
 * jstr: JSON strings from untrusted bytes.
 *
 * jansson refuses strings that are not valid UTF-8 (json_string returns
 * NULL, and json_pack then fails as a whole), yet file names, mount points
 * and rules files of the audited host may hold any bytes.  jstr never
 * fails: invalid input has every byte >= 0x80 written as \xNN, so a file
 * named to dodge the report still shows up in it.
 */
#ifndef BOXAUDIT_JSTR_H
#define BOXAUDIT_JSTR_H

#include <jansson.h>

/* A new string reference for s (NULL gives json null); never NULL. */
json_t *jstr(const char *s);

/* A new C string the caller frees: s itself if valid UTF-8, else escaped. */
char *jstr_text(const char *s);

/*
 * A new string the caller frees, safe to print on a terminal: C0 controls
 * (newlines and tabs included), DEL, C1 controls (U+0080-U+009F, CSI and
 * OSC among them) and bytes that are not UTF-8 are shown as \xNN.  Every
 * host- or file-derived string of text output and of messages goes
 * through here.
 */
char *jstr_terminal(const char *s);

/*
 * A short human reading of a value, as a new string: a string as it is
 * ("" as "(empty)", null as "(none)"), a value with evidence beside it
 * ({"value": V, "k": x} from a rule's show) as "V (k=x, ...)", anything
 * else as compact JSON.  Not escaped for any output: each writer cleans it.
 */
char *jstr_brief(const json_t *v);

/* Whether array a holds the string s (elements of other types are not s). */
int jstr_array_has(const json_t *a, const char *s);

/* The strings of array a joined by sep, as a new string (other elements are skipped). */
char *jstr_array_join(const json_t *a, const char *sep);

#endif
