/*
 * path: the pieces of a path as text, for paths named by configuration
 * (a kubelet's --config, an admission file's plugin paths).  Nothing here
 * touches the file system: reading goes through rootfs.
 */
#ifndef BOXAUDIT_PATH_H
#define BOXAUDIT_PATH_H

/* The last component: "kubelet" for "/usr/bin/kubelet", p itself without a slash. */
const char *path_base(const char *p);

/*
 * p as a program whose working directory is cwd sees it: p itself when
 * absolute, else cwd joined to p.
 */
char *path_abs(const char *cwd, const char *p);

/*
 * rel read beside file, as a configuration file's relative paths are:
 * rel itself when absolute, else file's directory joined to rel ("/a/b.yaml"
 * and "c" give "/a/c"; a file without a directory gives rel).
 */
char *path_beside(const char *file, const char *rel);

#endif
