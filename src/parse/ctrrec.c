#include "config.h"
#include <ctype.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include "parse/ctrrec.h"
#include "base/jstr.h"
#include "base/xalloc.h"
#include "base/banned.h"

json_t *ctrrec_field(json_t *v, const char *src, const char *path)
{
	json_t *o = json_object();
	json_object_set_new(o, "value", v ? v : json_null());
	if (!src)
		src = "unknown";
	char *s = path ? xasprintf("%s#%s", src, path) : xstrdup(src);
	json_object_set_new(o, "source", jstr(s));
	free(s);
	return o;
}

static json_t *one_message(const char *key, const char *fmt, va_list ap)
{
	char *m = xvasprintf(fmt, ap);
	json_t *o = json_object();
	json_object_set_new(o, key, jstr(m));
	free(m);
	return o;
}

json_t *ctrrec_skipped(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	json_t *o = one_message("skipped", fmt, ap);
	va_end(ap);
	return o;
}

json_t *ctrrec_error(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	json_t *o = one_message("error", fmt, ap);
	va_end(ap);
	return o;
}

/* containerd pkg/oci/spec.go defaultUnixCaps; moby oci/caps DefaultCapabilities is the same list. */
static const char *const containerd_caps[] = {
	"CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FSETID", "CAP_FOWNER", "CAP_MKNOD", "CAP_NET_RAW",
	"CAP_SETGID", "CAP_SETUID", "CAP_SETFCAP", "CAP_SETPCAP", "CAP_NET_BIND_SERVICE",
	"CAP_SYS_CHROOT", "CAP_KILL", "CAP_AUDIT_WRITE", NULL
};
/* CRI-O internal/config/capabilities Default(): crio.conf default_capabilities when not set. */
static const char *const crio_caps[] = {
	"CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FSETID", "CAP_FOWNER", "CAP_SETGID", "CAP_SETUID",
	"CAP_SETPCAP", "CAP_NET_BIND_SERVICE", "CAP_KILL", NULL
};
/* containers-common containers.conf default_capabilities (podman 4 and later). */
static const char *const podman_caps[] = {
	"CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FOWNER", "CAP_FSETID", "CAP_KILL",
	"CAP_NET_BIND_SERVICE", "CAP_SETFCAP", "CAP_SETGID", "CAP_SETPCAP", "CAP_SETUID",
	"CAP_SYS_CHROOT", NULL
};

const char *const *ctrrec_default_caps(const char *runtime)
{
	if (runtime && !strcmp(runtime, "cri-o"))
		return crio_caps;
	if (runtime && !strcmp(runtime, "podman"))
		return podman_caps;
	return containerd_caps;
}

/* include/uapi/linux/capability.h, 0 through CAP_LAST_CAP (40). */
static const char *const all_caps[] = {
	"CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH", "CAP_FOWNER", "CAP_FSETID",
	"CAP_KILL", "CAP_SETGID", "CAP_SETUID", "CAP_SETPCAP", "CAP_LINUX_IMMUTABLE",
	"CAP_NET_BIND_SERVICE", "CAP_NET_BROADCAST", "CAP_NET_ADMIN", "CAP_NET_RAW",
	"CAP_IPC_LOCK", "CAP_IPC_OWNER", "CAP_SYS_MODULE", "CAP_SYS_RAWIO", "CAP_SYS_CHROOT",
	"CAP_SYS_PTRACE", "CAP_SYS_PACCT", "CAP_SYS_ADMIN", "CAP_SYS_BOOT", "CAP_SYS_NICE",
	"CAP_SYS_RESOURCE", "CAP_SYS_TIME", "CAP_SYS_TTY_CONFIG", "CAP_MKNOD", "CAP_LEASE",
	"CAP_AUDIT_WRITE", "CAP_AUDIT_CONTROL", "CAP_SETFCAP", "CAP_MAC_OVERRIDE",
	"CAP_MAC_ADMIN", "CAP_SYSLOG", "CAP_WAKE_ALARM", "CAP_BLOCK_SUSPEND", "CAP_AUDIT_READ",
	"CAP_PERFMON", "CAP_BPF", "CAP_CHECKPOINT_RESTORE", NULL
};

const char *const *ctrrec_all_caps(void)
{
	return all_caps;
}

char *ctrrec_cap_name(const char *s)
{
	const char *body = !strncasecmp(s, "CAP_", 4) ? s + 4 : s;
	char *out = xasprintf("CAP_%s", body);
	for (char *p = out + 4; *p; p++)
		*p = (char)toupper((unsigned char)*p);
	return out;
}

static int in_set(const char *const *set, const char *s)
{
	for (; *set; set++)
		if (!strcmp(*set, s))
			return 1;
	return 0;
}

json_t *ctrrec_caps_beyond(const json_t *caps, const char *const *set)
{
	json_t *out = json_array();
	size_t i;
	json_t *c;
	json_array_foreach(caps, i, c) {
		const char *s = json_string_value(c);
		if (s && !in_set(set, s) && !ctrrec_has(out, s))
			json_array_append(out, c);
	}
	return out;
}

int ctrrec_has(const json_t *a, const char *s)
{
	size_t i;
	json_t *v;
	json_array_foreach(a, i, v) {
		const char *t = json_string_value(v);
		if (t && !strcmp(t, s))
			return 1;
	}
	return 0;
}

/* Kernel pseudo filesystems every container gets; none of them is host storage. */
static const char *const system_types[] = {
	"proc", "sysfs", "tmpfs", "devpts", "mqueue", "cgroup", "cgroup2", "shm", NULL
};

/*
 * A path taken as made by the kubelet or the runtime must be plain: no
 * "..", "." or empty component that could lead elsewhere.
 */
static int clean_path(const char *p)
{
	if (p[0] != '/')
		return 0;
	for (const char *s = p; *s;) {
		s++;
		size_t n = strcspn(s, "/");
		if (n == 0 && s[0])
			return 0;
		if ((n == 1 && s[0] == '.') || (n == 2 && s[0] == '.' && s[1] == '.'))
			return 0;
		s += n;
	}
	return 1;
}

/* p under dir ("/a/b" under "/a"); returns the rest after the slash, or NULL. */
static const char *under(const char *p, const char *dir)
{
	size_t n = strlen(dir);
	while (n > 1 && dir[n - 1] == '/')
		n--;
	if (strncmp(p, dir, n) || p[n] != '/')
		return NULL;
	return p + n + 1;
}

/* The k-th component of the relative path s, or NULL (borrowed pointer, its length in *n). */
static const char *nth(const char *s, int k, size_t *n)
{
	for (int i = 0; i < k && s; i++) {
		s = strchr(s, '/');
		if (s)
			s++;
	}
	if (!s || !*s)
		return NULL;
	*n = strcspn(s, "/");
	return s;
}

static int has_component(const char *s, int k)
{
	size_t n;
	return nth(s, k, &n) != NULL;
}

static json_t *component(const char *s, int k)
{
	for (int i = 0; i < k && s; i++) {
		s = strchr(s, '/');
		if (s)
			s++;
	}
	if (!s || !*s)
		return NULL;
	size_t n = strcspn(s, "/");
	char *c = xstrndup(s, n);
	json_t *j = jstr(c);
	free(c);
	return j;
}

void ctrrec_classify_mount(json_t *m, const struct ctrrec_paths *p, const char *type,
			   const char *source, const char *dest, int bind)
{
	const char *kind = "hostpath";
	if (!bind) {
		if (type && in_set(system_types, type))
			kind = "system";
		json_object_set_new(m, "kind", json_string(kind));
		return;
	}
	if (!source || !clean_path(source)) {
		json_object_set_new(m, "kind", json_string(kind));
		return;
	}
	if (!strcmp(source, "/dev/shm") && dest && !strcmp(dest, "/dev/shm")) {
		json_object_set_new(m, "kind", json_string("host-ipc"));
		return;
	}
	const char *rest = NULL;
	if (p->kubelet_root && p->pod_uid && *p->pod_uid && !strchr(p->pod_uid, '/')) {
		char *pods = xasprintf("%s/pods/%s", p->kubelet_root, p->pod_uid);
		rest = under(source, pods);
		free(pods);
	}
	if (rest) {
		if (!strncmp(rest, "volumes/", 8) && has_component(rest, 2)) {
			kind = "volume";
			json_object_set_new(m, "volume_plugin", component(rest, 1));
			json_object_set_new(m, "volume", component(rest, 2));
		} else if (!strncmp(rest, "volume-subpaths/", 16) && has_component(rest, 1)) {
			kind = "volume-subpath";
			json_object_set_new(m, "volume", component(rest, 1));
		} else {
			kind = "kubelet";
		}
		json_object_set_new(m, "kind", json_string(kind));
		return;
	}
	for (const char *const *d = p->runtime_dirs; d && *d; d++)
		if (under(source, *d) || !strcmp(source, *d)) {
			json_object_set_new(m, "kind", json_string("runtime"));
			return;
		}
	if (p->docker_root) {
		char *vols = xasprintf("%s/volumes", p->docker_root);
		const char *r = under(source, vols);
		free(vols);
		if (r && has_component(r, 1)) {
			json_object_set_new(m, "volume_plugin", json_string("docker:volume"));
			json_object_set_new(m, "volume", component(r, 0));
			json_object_set_new(m, "kind", json_string("volume"));
			return;
		}
	}
	json_object_set_new(m, "kind", json_string(kind));
}

void ctrrec_set_name(json_t *rec, const char *fallback)
{
	json_t *k = json_object_get(rec, "kubernetes");
	const char *ns = json_string_value(json_object_get(k, "namespace"));
	const char *pod = json_string_value(json_object_get(k, "pod"));
	const char *ctr = json_string_value(json_object_get(k, "container"));
	const char *role = json_string_value(json_object_get(rec, "role"));
	char *name;
	if (ns && pod && role && !strcmp(role, "sandbox"))
		name = xasprintf("%s/%s (sandbox)", ns, pod);
	else if (ns && pod)
		name = xasprintf("%s/%s/%s", ns, pod, ctr ? ctr : "?");
	else
		name = xstrdup(fallback ? fallback : "?");
	json_object_set_new(rec, "_name", jstr(name));
	free(name);
}
