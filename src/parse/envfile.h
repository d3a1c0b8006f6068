/*
 * envfile: parse KEY=VALUE files as systemd's EnvironmentFile= and the
 * shell-sourced /etc/default/docker, /etc/sysconfig/docker and
 * kubeadm-flags.env are written: comments, "export ", single and double
 * quotes, backslash line continuations.
 */
#ifndef BOXAUDIT_ENVFILE_H
#define BOXAUDIT_ENVFILE_H

#include <jansson.h>

/*
 * Parse text (len bytes) into a new JSON object {KEY: VALUE}.  On a
 * malformed line return NULL and set *err to "NAME:LINE: reason" (name is
 * used only in the message).
 */
json_t *envfile_parse(const char *text, size_t len, const char *name, char **err);

/*
 * Split a command line the way systemd splits ExecStart (and the shell
 * splits an unquoted $VAR): whitespace separates words, quotes group.
 * Returns a new JSON array of strings, or NULL with *err set.
 */
json_t *split_words(const char *s, char **err);

#endif
