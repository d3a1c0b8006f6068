#include "config.h"
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "collect/imagescan.h"
#include "base/limits.h"
#include "base/jstr.h"
#include "parse/tarscan.h"
#include "base/xalloc.h"
#include "base/banned.h"

#define NOT_SCANNED "the image filesystem was not scanned (pass --scan-image-fs; it exports every image in use)"

static int plain_id(const char *id)
{
	size_t n = id ? strlen(id) : 0;
	if (n == 0 || n > API_MAX_ID_LEN)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!((id[i] >= '0' && id[i] <= '9') || (id[i] >= 'a' && id[i] <= 'z') ||
		      (id[i] >= 'A' && id[i] <= 'Z')))
			return 0;
	return 1;
}

/* Which container to export: lower is better (its filesystem is closest to the image's). */
static int rank(json_t *c)
{
	if (json_is_true(json_object_get(c, "_self")))
		return 3;
	if (json_is_true(json_object_get(c, "_running")))
		return 2;
	const char *started = json_string_value(json_object_get(json_object_get(c, "State"),
								 "StartedAt"));
	return started && !strncmp(started, "0001-", 5) ? 0 : 1;
}

static json_t *pick_container(json_t *containers, const char *image_id)
{
	json_t *best = NULL;
	size_t i;
	json_t *c;
	json_array_foreach(containers, i, c) {
		const char *img = json_string_value(json_object_get(c, "_image"));
		const char *id = json_string_value(json_object_get(c, "Id"));
		if (!img || strcmp(img, image_id) || !plain_id(id) || json_object_get(c, "error"))
			continue;
		if (!best || rank(c) < rank(best))
			best = c;
	}
	return best;
}

static int sink(void *arg, const char *data, size_t n)
{
	return tarscan_feed(arg, data, n);
}

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static json_t *scan_one(struct api_client *c, json_t *cont, long timeout_ms)
{
	const char *id = json_string_value(json_object_get(cont, "Id"));
	const char *name = json_string_value(json_object_get(cont, "_name"));
	char *path = xasprintf("/containers/%s/export", id);
	char *src = xasprintf("api:%s", path);
	struct tarscan ts;
	tarscan_init(&ts, IMAGESCAN_MAX_FILES);
	unsigned long long got = 0;
	char *err = NULL;
	double t0 = now_s();
	int rc = api_get_stream(c, path, IMAGESCAN_MAX_BYTES, timeout_ms, sink, &ts, &got, &err);
	double secs = now_s() - t0;
	json_t *out;
	if (rc < 0) {
		out = json_object();
		json_object_set_new(out, "error", jstr(err));
	} else if (tarscan_finish(&ts) < 0) {
		char *m = xasprintf("the export of container '%s' is not a valid tar stream: %s",
				    name ? name : id, ts.error);
		out = json_pack("{s:o}", "error", jstr(m));
		free(m);
	} else {
		json_t *files = json_array();
		for (size_t i = 0; i < ts.nfiles; i++) {
			char *s = xasprintf("%s (%05o)", ts.files[i].path, ts.files[i].mode);
			json_array_append_new(files, jstr(s));
			free(s);
		}
		out = json_pack("{s:o,s:I,s:b,s:I,s:I,s:f}", "files", files,
				"found", (json_int_t)ts.found, "truncated", ts.truncated,
				"entries", (json_int_t)ts.entries, "bytes", (json_int_t)got,
				"seconds", (double)(long long)(secs * 1000 + 0.5) / 1000);
	}
	json_object_set_new(out, "container", jstr(name ? name : id));
	json_object_set_new(out, "source", json_string(src));
	free(err);
	free(src);
	free(path);
	tarscan_release(&ts);
	return out;
}

void imagescan_collect(struct api_client *c, json_t *api, const struct collect_opts *o)
{
	json_t *images = json_object_get(api, "images");
	json_t *containers = json_object_get(api, "containers");
	if (!json_is_array(images))
		return;
	long per = (o->timeout_ms > 0 ? o->timeout_ms : 10000) * IMAGESCAN_TIMEOUT_FACTOR;
	double budget = (double)per / 1000 * IMAGESCAN_BUDGET_FACTOR;
	double start = now_s();
	size_t i;
	json_t *img;
	json_array_foreach(images, i, img) {
		if (!json_is_object(img))
			continue;
		if (!o->scan_image_fs) {
			json_object_set_new(img, "setuid_files", json_pack("{s:s}", "skipped", NOT_SCANNED));
			continue;
		}
		const char *id = json_string_value(json_object_get(img, "Id"));
		json_t *cont = id && json_is_array(containers) ? pick_container(containers, id) : NULL;
		double left = budget - (now_s() - start);
		json_t *v;
		if (!cont) {
			v = json_pack("{s:s}", "error", "no inspected container uses this image, so "
				      "there is nothing to export");
		} else if (left < 1) {
			char *m = xasprintf("not scanned: the exports used up their time budget "
					    "(%.0f s for all images)", budget);
			v = json_pack("{s:s}", "error", m);
			free(m);
		} else {
			long t = left * 1000 < per ? (long)(left * 1000) : per;
			v = scan_one(c, cont, t);
		}
		json_object_set_new(img, "setuid_files", v);
	}
}
