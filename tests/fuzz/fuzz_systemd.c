/*
 * libFuzzer target: systemd units and EnvironmentFile= files.
 *
 * The parts of the input ("#@file" lines separate them) are written into a
 * scratch root as /lib/systemd/system/docker.service, its drop-in
 * /etc/systemd/system/docker.service.d/10-fuzz.conf, /etc/default/docker
 * and /etc/sysconfig/docker (a missing part: no such file), and
 * systemd_unit_collect resolves docker.service through rootfs as on a real
 * host.  envfile_parse and split_words also get each part directly.
 */
#include "config.h"
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>
#include "fuzz_common.h"
#include "collect/systemd.h"
#include "parse/envfile.h"
#include "collect/rootfs.h"
#include "base/banned.h"

static char root_dir[64];
static struct rootfs root;
static const char *const files[] = {
	"/lib/systemd/system/docker.service",
	"/etc/systemd/system/docker.service.d/10-fuzz.conf",
	"/etc/default/docker",
	"/etc/sysconfig/docker",
};
#define NFILES (sizeof(files) / sizeof(files[0]))

static int rm_one(const char *p, const struct stat *st, int flag, struct FTW *f)
{
	return remove(p);
}

static void cleanup(void)
{
	rootfs_close(&root);
	if (root_dir[0])
		nftw(root_dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

static void mkdirs(const char *rel)
{
	char p[256];
	snprintf(p, sizeof(p), "%s%s", root_dir, rel);
	for (char *s = p + strlen(root_dir) + 1; *s; s++)
		if (*s == '/') {
			*s = '\0';
			mkdir(p, 0755);
			*s = '/';
		}
	mkdir(p, 0755);
}

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *tmp = getenv("TMPDIR");
	snprintf(root_dir, sizeof(root_dir), "%s/boxaudit-fuzz-XXXXXX", tmp && strlen(tmp) < 30 ? tmp : "/tmp");
	if (!mkdtemp(root_dir))
		abort();
	mkdirs("/lib/systemd/system");
	mkdirs("/etc/systemd/system/docker.service.d");
	mkdirs("/etc/default");
	mkdirs("/etc/sysconfig");
	char *err = NULL;
	if (rootfs_open(&root, root_dir, &err) < 0)
		abort();
	atexit(cleanup);
	return 0;
}

static void put(const char *rel, const char *text, size_t len)
{
	char p[256];
	snprintf(p, sizeof(p), "%s%s", root_dir, rel);
	if (!text) {
		unlink(p);
		return;
	}
	int fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0)
		abort();
	while (len) {
		ssize_t w = write(fd, text, len);
		if (w <= 0)
			abort();
		text += w;
		len -= (size_t)w;
	}
	close(fd);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_part parts[NFILES];
	size_t n = fuzz_split(data, size, parts, NFILES);
	for (size_t i = 0; i < NFILES; i++)
		put(files[i], i < n ? parts[i].text : NULL, i < n ? parts[i].len : 0);
	json_t *u = systemd_unit_collect(&root, "docker.service");
	char *dump = json_dumps(u, JSON_COMPACT);
	free(dump);
	json_decref(u);

	for (size_t i = 0; i < n; i++) {
		char *err = NULL;
		json_t *env = envfile_parse(parts[i].text, parts[i].len, "fuzz", &err);
		json_decref(env);
		free(err);
		err = NULL;
		json_t *w = split_words(parts[i].text, &err);
		json_decref(w);
		free(err);
	}
	fuzz_parts_free(parts, n);
	return 0;
}
