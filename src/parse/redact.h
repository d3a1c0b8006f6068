/*
 * redact: keep secret values out of facts and reports.
 *
 * A name is secret-like when it contains pass, pwd, secret, token, key,
 * cred, auth, private, salt, signature or cert (any case).  Values are
 * replaced by "<redacted>"; names stay, so a report can say which variable
 * holds a secret without showing it.
 */
#ifndef BOXAUDIT_REDACT_H
#define BOXAUDIT_REDACT_H

#include <stddef.h>
#include <jansson.h>

int redact_secret_name(const char *name, size_t len);
/* Every "NAME=VALUE" string of the array becomes "NAME=<redacted>". */
void redact_env_array(json_t *env);
/* {NAME: VALUE}: secret-named values and secrets inside values are redacted. */
void redact_env_object(json_t *env);
/*
 * Redact the strings of a recorded command line in place.  Call it after
 * the command line was parsed: "--tlskey=/etc/docker/key.pem" has a
 * secret-like name and loses its value.
 */
void redact_argv(json_t *argv);
/*
 * A new string: s with secret-like NAME=VALUE pairs (a boolean is kept, an
 * absolute path only for a name that holds one: --tlskey, *-file, *-dir),
 * legacy "ENV NAME VALUE" lines, and values shaped like credentials
 * whatever their name redacted: URL credentials (scheme://user:PASSWORD@),
 * PEM private keys, AWS access key ids, GitHub, GitLab and Slack tokens,
 * JSON Web Tokens and Authorization header values.
 */
char *redact_text(const char *s);
/*
 * A new string: redact_text(s), and every value of an ENV or ARG
 * instruction of an image history line (an image's env is as secret as a
 * container's, whatever the variable's name).
 */
char *redact_history(const char *s);

/*
 * Engine API bodies, redacted in place as the collector stores them:
 * a command member (string or word array) of obj; a container inspect
 * (Config's Env, Labels, Cmd and Entrypoint; Path; Args); an image
 * inspect (Config and ContainerConfig); an image history (every layer's
 * CreatedBy: ENV and ARG values always).
 */
void redact_command_member(json_t *obj, const char *key);
void redact_container_inspect(json_t *container);
void redact_image_inspect(json_t *image);
void redact_image_history(json_t *layers);

/*
 * Every string of a document (arrays and object values, recursively)
 * through redact_text, in place: applied to the whole facts document
 * after collection and after a snapshot is loaded, so that a secret is
 * redacted where it lands, whichever collector or parser it came from.
 */
void redact_tree(json_t *v);

#endif
