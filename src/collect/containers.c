#include "config.h"
#include <stdlib.h>
#include <string.h>
#include "collect/dockerapi.h"
#include "collect/containers.h"
#include "collect/request.h"
#include "collect/derive.h"
#include "collect/imagescan.h"
#include "parse/redact.h"
#include "collect/selfid.h"
#include "base/limits.h"
#include "base/xalloc.h"
#include "base/banned.h"


/* Ids come from the daemon: only plain ids ("abc123", "sha256:abc") go into a path. */
static int valid_id(const char *id)
{
	size_t n = id ? strlen(id) : 0;
	if (n == 0 || n > API_MAX_ID_LEN)
		return 0;
	for (size_t i = 0; i < n; i++) {
		char ch = id[i];
		if (!((ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'z') ||
		      (ch >= 'A' && ch <= 'Z') || ch == ':'))
			return 0;
	}
	return 1;
}

static json_t *error_obj(const char *msg)
{
	return json_pack("{s:s}", "error", msg);
}

static const char *strip_slash(const char *name)
{
	return name && name[0] == '/' ? name + 1 : name;
}

struct cont_ref {
	char *id;
	char *name;	/* from the list, for error entries */
	char *image;	/* ImageID from the list */
	int running;
};

struct batch {
	json_t *containers;	/* array, slot per container */
	json_t *images;		/* array, slot per used image */
	struct cont_ref *conts;
	size_t ncont;
	char **image_ids;
	size_t nimages;
	const struct facts_keep *keep;	/* what to keep of each container body, or NULL: all */
	const char *self_id;		/* boxaudit's own container, or NULL */
	/* Streaming (collect_opts.element): each body is handed over, then stubbed. */
	const struct collect_opts *opts;
	json_t *facts;
	const struct facts_keep *stub;
};

/* Hand a container over to the audit, then keep only its stub. */
static void stream(struct batch *b, json_t *c, size_t idx)
{
	if (!b->opts || !b->opts->element)
		return;
	collect_derive_container(b->facts, c);
	redact_tree(c);
	b->opts->element(b->opts->element_arg, b->facts, c, idx);
	facts_prune(c, b->stub, 64);
}

/*
 * Members of the inspect bodies that no check reads and that only cost
 * memory at a thousand containers (docs/FACTS.md lists them): storage
 * driver paths, log and resolver files, sandbox details, layer lists.
 */
static const char *const unused_container_members[] = {
	"GraphDriver", "LogPath", "ResolvConfPath", "HostnamePath", "HostsPath", "ExecIDs", NULL
};
static const char *const unused_network_members[] = {
	"SandboxID", "SandboxKey", "SecondaryIPAddresses", "SecondaryIPv6Addresses",
	"LinkLocalIPv6Address", "LinkLocalIPv6PrefixLen", "HairpinMode", NULL
};
static const char *const unused_image_members[] = {
	"GraphDriver", "RootFS", "Metadata", NULL
};

static void drop_members(json_t *o, const char *const *names)
{
	if (!json_is_object(o))
		return;
	for (; *names; names++)
		json_object_del(o, *names);
}

/*
 * The name shown in findings.  Every check repeats it once per container,
 * so a daemon with thousands of 4 KB names would multiply into gigabytes of
 * report: longer names are cut (at a UTF-8 boundary) and say by how much.
 * The full name stays in "Name" for --container matching.
 */

static json_t *display_name(const char *s)
{
	size_t len = strlen(s);
	if (len <= DISPLAY_NAME_MAX)
		return json_string(s);
	/* Keep both ends: names often differ only in a suffix. */
	size_t head = DISPLAY_NAME_MAX / 2 - 16, tail = len - (DISPLAY_NAME_MAX / 2 - 16);
	while (head > 0 && ((unsigned char)s[head] & 0xC0) == 0x80)
		head--;
	while (tail < len && ((unsigned char)s[tail] & 0xC0) == 0x80)
		tail++;
	char *cut = xasprintf("%.*s...(%zu bytes cut)...%s", (int)head, s, tail - head, s + tail);
	json_t *j = json_string(cut);
	free(cut);
	return j;
}

static void container_done(struct batch *b, size_t i, json_t *json, const char *err)
{
	struct cont_ref *r = &b->conts[i];
	char *src = xasprintf("api:/containers/%s/json", r->id);
	if (!json_is_object(json)) {
		json_t *e = error_obj(err ? err : "container inspect is not an object");
		json_object_set_new(e, "_name", display_name(r->name ? r->name : r->id));
		json_object_set_new(e, "_source", json_string(src));
		json_object_set_new(e, "_image", r->image ? json_string(r->image) : json_null());
		json_object_set_new(e, "_running", json_boolean(r->running));
		json_decref(json);
		json_array_set_new(b->containers, i, e);
		stream(b, e, i);
		free(src);
		return;
	}
	redact_container_inspect(json);
	drop_members(json, unused_container_members);
	drop_members(json_object_get(json, "NetworkSettings"), unused_network_members);
	/* The body is all data (no wrappers of ours): pruned to any depth. */
	if (b->keep)
		facts_prune(json, b->keep, 64);
	const char *name = strip_slash(json_string_value(json_object_get(json, "Name")));
	json_object_set_new(json, "_name", display_name(name ? name : (r->name ? r->name : r->id)));
	json_object_set_new(json, "_source", json_string(src));
	json_t *img = json_object_get(json, "Image");
	json_object_set_new(json, "_image", json_is_string(img) ? json_incref(img) :
			    (r->image ? json_string(r->image) : json_null()));
	json_t *st = json_object_get(json_object_get(json, "State"), "Running");
	json_object_set_new(json, "_running", json_boolean(json_is_boolean(st) ? json_is_true(st)
							  : r->running));
	const char *cid = json_string_value(json_object_get(json, "Id"));
	if (b->self_id && cid && !strcmp(cid, b->self_id))
		json_object_set_new(json, "_self", json_true());
	json_array_set_new(b->containers, i, json);
	stream(b, json, i);
	free(src);
}

static json_t *image_slot(struct batch *b, size_t k)
{
	json_t *o = json_array_get(b->images, k);
	if (!json_is_object(o)) {
		o = json_object();
		json_array_set_new(b->images, k, o);
	}
	return o;
}

static void image_done(struct batch *b, size_t k, json_t *json, const char *err)
{
	const char *id = b->image_ids[k];
	json_t *slot = image_slot(b, k);
	char *src = xasprintf("api:/images/%s/json", id);
	if (json_is_object(json)) {
		redact_image_inspect(json);
		drop_members(json, unused_image_members);
		json_object_update_missing(json, slot);	/* keeps a history already set */
		json_t *tags = json_object_get(json, "RepoTags");
		const char *tag = json_string_value(json_array_get(tags, 0));
		json_object_set_new(json, "_name", display_name(tag ? tag : id));
		json_object_set_new(json, "_source", json_string(src));
		json_array_set_new(b->images, k, json);
	} else {
		json_object_set_new(slot, "error",
				    json_string(err ? err : "image inspect is not an object"));
		json_object_set_new(slot, "_name", json_string(id));
		json_object_set_new(slot, "_source", json_string(src));
		json_object_set_new(slot, "Id", json_string(id));
		json_decref(json);
	}
	free(src);
}

static void history_done(struct batch *b, size_t k, json_t *json, const char *err)
{
	json_t *slot = image_slot(b, k);
	if (!json_is_array(json)) {
		json_object_set_new(slot, "history",
				    error_obj(err ? err : "image history is not an array"));
		json_decref(json);
		return;
	}
	redact_image_history(json);
	json_object_set_new(slot, "history", json);
}

static void batch_done(void *arg, size_t i, json_t *json, const char *err)
{
	struct batch *b = arg;
	if (i < b->ncont)
		container_done(b, i, json, err);
	else if ((i -= b->ncont) < b->nimages)
		image_done(b, i, json, err);
	else
		history_done(b, i - b->nimages, json, err);
}

struct plain {
	json_t **out;
	char **err;
};

static void plain_done(void *arg, size_t i, json_t *json, const char *err)
{
	struct plain *p = arg;
	p->out[i] = json;
	p->err[i] = err ? xstrdup(err) : NULL;
}

/* GET paths concurrently into out[] / errs[] (each set; caller frees). */
static void fetch_plain(struct api_client *c, const char *const *paths, size_t n,
			size_t cap, json_t **out, char **errs)
{
	struct plain p = { out, errs };
	api_get_many(c, paths, n, cap, plain_done, &p);
}

static json_t *value_or_error(json_t *v, char *err, int want_array)
{
	if (v && (want_array ? json_is_array(v) : json_is_object(v)))
		return v;
	json_decref(v);
	json_t *e = error_obj(err ? err : (want_array ? "expected a JSON array"
						      : "expected a JSON object"));
	return e;
}

static void redact_service_spec(json_t *spec)
{
	json_t *cs = json_object_get(json_object_get(spec, "TaskTemplate"), "ContainerSpec");
	if (!json_is_object(cs))
		return;
	redact_env_array(json_object_get(cs, "Env"));
	redact_command_member(cs, "Command");
	redact_command_member(cs, "Args");
}

static json_t *collect_swarm(struct api_client *c)
{
	const char *paths[] = { "/swarm", "/nodes", "/services", "/secrets" };
	json_t *out[4];
	char *errs[4];
	fetch_plain(c, paths, 4, API_CAP_LIST, out, errs);
	json_t *sw = json_object();

	json_t *cluster = value_or_error(out[0], errs[0], 0);
	json_t *jt = json_object_get(cluster, "JoinTokens");
	if (json_is_object(jt)) {
		const char *k;
		json_t *v;
		json_object_foreach(jt, k, v)
			json_object_set_new(jt, k, json_string("<redacted>"));
	}
	json_object_set_new(sw, "cluster", cluster);
	json_object_set_new(sw, "nodes", value_or_error(out[1], errs[1], 1));

	json_t *services = value_or_error(out[2], errs[2], 1);
	if (json_is_array(services)) {
		size_t i;
		json_t *s;
		json_array_foreach(services, i, s) {
			redact_service_spec(json_object_get(s, "Spec"));
			redact_service_spec(json_object_get(s, "PreviousSpec"));
		}
	}
	json_object_set_new(sw, "services", services);

	/* Only what identifies a secret: never its data. */
	json_t *secrets = value_or_error(out[3], errs[3], 1);
	if (json_is_array(secrets)) {
		json_t *kept = json_array();
		size_t i;
		json_t *s;
		json_array_foreach(secrets, i, s) {
			json_t *k = json_object();
			const char *f[] = { "ID", "CreatedAt", "UpdatedAt" };
			for (size_t j = 0; j < 3; j++) {
				json_t *v = json_object_get(s, f[j]);
				if (json_is_string(v))
					json_object_set(k, f[j], v);
			}
			json_t *name = json_object_get(json_object_get(s, "Spec"), "Name");
			if (json_is_string(name))
				json_object_set(k, "Name", name);
			json_array_append_new(kept, k);
		}
		json_decref(secrets);
		secrets = kept;
	}
	json_object_set_new(sw, "secrets", secrets);
	for (size_t i = 0; i < 4; i++)
		free(errs[i]);
	return sw;
}

/* The socket the docker collector found, as a fallback endpoint. */
static char *facts_socket(json_t *docker)
{
	json_t *s = json_object_get(json_object_get(json_object_get(docker, "sockets"), "docker"),
				    "value");
	const char *v = json_string_value(s);
	if (!v)
		return NULL;
	if (v[0] == '/')
		return xasprintf("unix://%s", v);
	if (!strncmp(v, "unix://", 7))
		return xstrdup(v);
	return NULL;
}

/* proto: what to keep of each body, boxaudit's own id, and streaming (struct batch). */
static void collect_containers(struct api_client *c, json_t *api, json_t *list, const struct batch *proto)
{
	struct batch b = *proto;
	size_t n = json_array_size(list), nimg_alloc = 0;
	json_t *bad = json_array();
	b.containers = json_array();
	b.images = json_array();
	b.conts = xcalloc(n ? n : 1, sizeof(*b.conts));
	size_t i;
	json_t *e;
	json_array_foreach(list, i, e) {
		struct cont_ref *r = &b.conts[b.ncont];
		const char *id = json_string_value(json_object_get(e, "Id"));
		const char *name = strip_slash(json_string_value(
			json_array_get(json_object_get(e, "Names"), 0)));
		const char *img = json_string_value(json_object_get(e, "ImageID"));
		const char *state = json_string_value(json_object_get(e, "State"));
		if (!valid_id(id)) {
			json_t *x = error_obj("the daemon listed a container with an invalid id");
			json_object_set_new(x, "_name", json_string(name ? name : ""));
			json_array_append_new(bad, x);
			continue;
		}
		r->id = xstrdup(id);
		r->name = name ? xstrdup(name) : NULL;
		r->image = img ? xstrdup(img) : NULL;
		r->running = state && !strcmp(state, "running");
		b.ncont++;
		if (!valid_id(img))
			continue;
		size_t k;
		for (k = 0; k < b.nimages; k++)
			if (!strcmp(b.image_ids[k], img))
				break;
		if (k == b.nimages) {
			ALLOC_GROW(b.image_ids, b.nimages + 1, nimg_alloc);
			b.image_ids[b.nimages++] = xstrdup(img);
		}
	}
	/* What the list said is in conts now: 10,000 summaries need not wait for 10,000 bodies. */
	json_array_clear(list);
	/* One slot per request, filled in as answers arrive. */
	for (i = 0; i < b.ncont; i++)
		json_array_append_new(b.containers, json_null());
	for (i = 0; i < b.nimages; i++)
		json_array_append_new(b.images, json_null());

	size_t np = b.ncont + 2 * b.nimages;
	char **paths = xcalloc(np ? np : 1, sizeof(*paths));
	for (i = 0; i < b.ncont; i++)
		paths[i] = xasprintf("/containers/%s/json", b.conts[i].id);
	for (i = 0; i < b.nimages; i++) {
		paths[b.ncont + i] = xasprintf("/images/%s/json", b.image_ids[i]);
		paths[b.ncont + b.nimages + i] = xasprintf("/images/%s/history", b.image_ids[i]);
	}
	api_get_many(c, (const char *const *)paths, np, API_CAP_INSPECT, batch_done, &b);
	json_array_foreach(bad, i, e)
		stream(&b, e, b.ncont + i);
	json_array_extend(b.containers, bad);
	json_decref(bad);
	if (b.opts && b.opts->element)
		json_object_set_new(api, "containers_streamed", json_true());
	json_object_set_new(api, "containers", b.containers);
	json_object_set_new(api, "images", b.images);
	json_object_set_new(api, "images_used", json_integer((json_int_t)b.nimages));
	for (i = 0; i < np; i++)
		free(paths[i]);
	free(paths);
	for (i = 0; i < b.ncont; i++) {
		free(b.conts[i].id);
		free(b.conts[i].name);
		free(b.conts[i].image);
	}
	free(b.conts);
	for (i = 0; i < b.nimages; i++)
		free(b.image_ids[i]);
	free(b.image_ids);
}

/*
 * Container mode: mark boxaudit's own container "_self" (rules list it as
 * the auditor, not as a finding), and its image too when no other
 * container uses it (it is inspected only because the auditor runs it);
 * record docker.api.self.
 */
static void mark_self(json_t *api, const char *id, const char *how)
{
	json_t *self = json_null(), *conts = json_object_get(api, "containers");
	const char *image = NULL;
	size_t i;
	json_t *c;
	json_array_foreach(conts, i, c) {
		const char *cid = json_string_value(json_object_get(c, "Id"));
		if (id && cid && !strcmp(cid, id)) {
			json_object_set_new(c, "_self", json_true());
			image = json_string_value(json_object_get(c, "_image"));
			json_decref(self);
			self = json_pack("{s:s,s:s,s:O?,s:s?}", "id", id, "source", how,
					 "name", json_object_get(c, "_name"), "image", image);
		}
	}
	json_array_foreach(conts, i, c) {
		const char *ci = json_string_value(json_object_get(c, "_image"));
		if (image && ci && !json_is_true(json_object_get(c, "_self")) && !strcmp(ci, image))
			image = NULL;
	}
	json_array_foreach(json_object_get(api, "images"), i, c) {
		const char *iid = json_string_value(json_object_get(c, "Id"));
		if (image && iid && !strcmp(iid, image))
			json_object_set_new(c, "_self", json_true());
	}
	json_object_set_new(api, "self", self);
}

/*
 * What a streamed container keeps once judged: what marks boxaudit's own
 * container and its image, what 4.8's image scan needs (a container of
 * each image in use), and whether the audit left it out (--container:
 * "_excluded", set by the element hook).
 */
static void container_stub(struct facts_keep *k)
{
	static const char *const members[] = {
		"Id", "State.StartedAt", "error", "_name", "_source", "_image", "_running", "_self", "_excluded", NULL
	};
	facts_keep_init(k);
	for (const char *const *p = members; *p; p++)
		facts_keep_add(k, *p);
}

/*
 * What to keep of each container body: what the rules read of it, what
 * the derivations read (collect_derive_keep), and what the collectors and
 * --container need (ids, names, image, state, labels).  0 when all of it
 * is kept: a rule reads the whole element, or a snapshot is written.
 */
static int container_keep(const struct collect_ctx *ctx, struct facts_keep *k)
{
	static const char *const always[] = {
		"Id", "Name", "Image", "State.Running", "State.StartedAt", "Config.Labels", NULL
	};
	if (ctx->opts->whole_bodies || !ctx->req)
		return 0;
	facts_keep_init(k);
	collect_request_keep(ctx->req, "docker.api.containers", k);
	collect_derive_keep(ctx->req, k);
	for (const char *const *p = always; *p; p++)
		facts_keep_add(k, *p);
	if (facts_keep_all(k)) {
		facts_keep_release(k);
		return 0;
	}
	return 1;
}

int collect_api(struct collect_ctx *ctx)
{
	const struct collect_opts *o = ctx->opts;
	json_t *docker = json_object_get(ctx->facts, "docker");
	if (!json_is_object(docker)) {
		docker = json_object();
		json_object_set_new(ctx->facts, "docker", docker);
	}
	if (o->no_api) {
		/* Not an error: the API was left out on purpose (docs/FACTS.md "skipped"). */
		json_object_set_new(docker, "api", json_pack("{s:s}", "skipped",
			"the Engine API was not contacted (--no-api)"));
		return 0;
	}
	int explicit_host = o->docker_host && *o->docker_host;
	if (!ctx->live && !explicit_host) {
		json_object_set_new(docker, "api", json_pack("{s:s}", "skipped",
			"the Engine API was not contacted: auditing a root directory "
			"(pass --docker-host to use one)"));
		return 0;
	}

	struct api_env env;
	api_env_from_environ(&env);
	const char *src;
	char *fallback = NULL;
	if (explicit_host) {
		src = "argv:--docker-host";
	} else if (env.docker_host && *env.docker_host) {
		src = "env:DOCKER_HOST";
	} else if ((fallback = facts_socket(docker))) {
		src = "facts:docker.sockets.docker";
	} else {
		src = "default";
	}
	struct api_endpoint ep;
	char *err = NULL;
	if (api_endpoint_parse(&ep, o->docker_host, &env, fallback, &err) < 0) {
		facts_set_error(docker, "api", "%s", err);
		free(err);
		free(fallback);
		return 0;
	}
	free(fallback);

	json_t *api = json_object();
	json_object_set_new(docker, "api", api);
	json_object_set_new(api, "endpoint", json_string(ep.display));
	json_object_set_new(api, "endpoint_source", json_string(src));
	struct api_client c;
	api_client_init(&c, &ep, o->connect_timeout_ms, o->timeout_ms);
	api_client_set_deadline(&c, o->deadline_s);

	int transport = 0;
	json_t *ver = api_negotiate(&c, &transport, &err);
	if (!ver && transport) {
		json_object_set_new(api, "error", json_string(err));
		free(err);
		api_client_release(&c);
		return 0;
	}
	json_object_set_new(api, "version", ver ? ver : error_obj(err));
	free(err);
	json_object_set_new(api, "api_version", json_string(c.version));
	if (c.version_note)
		json_object_set_new(api, "api_version_note", json_string(c.version_note));

	const char *paths[] = {
		"/info",
		o->running_only ? "/containers/json" : "/containers/json?all=1",
		"/images/json",
		"/networks",
	};
	json_t *out[4];
	char *errs[4];
	fetch_plain(&c, paths, 4, API_CAP_LIST, out, errs);
	json_t *info = value_or_error(out[0], errs[0], 0);
	json_object_set_new(api, "info", info);
	json_t *clist = value_or_error(out[1], errs[1], 1);
	json_t *ilist = value_or_error(out[2], errs[2], 1);
	json_object_set_new(api, "images_all", json_is_array(ilist) ?
			    json_integer((json_int_t)json_array_size(ilist)) : json_incref(ilist));
	json_object_set_new(api, "networks", value_or_error(out[3], errs[3], 1));

	const char *lns = json_string_value(json_object_get(json_object_get(info, "Swarm"),
							     "LocalNodeState"));
	int swarm = lns && !strcmp(lns, "active");
	if (json_is_array(clist)) {
		struct facts_keep keep, stub;
		int prune = container_keep(ctx, &keep);
		const char *how = NULL;
		char *self_id = selfid_detect(&how);
		struct batch proto = { .keep = prune ? &keep : NULL, .self_id = self_id };
		/* Runtime records are made from whole bodies at the end: no streaming when they are wanted. */
		int records = ctx->req && collect_request_reads(ctx->req, "runtime") &&
			      (!o->records_when_kubernetes || collect_kubernetes_node(ctx->facts));
		if (o->element && !o->whole_bodies && !records) {
			container_stub(&stub);
			proto.opts = o;
			proto.facts = ctx->facts;
			proto.stub = &stub;
		}
		collect_containers(&c, api, clist, &proto);
		if (prune)
			facts_keep_release(&keep);
		if (proto.stub)
			facts_keep_release(&stub);
		mark_self(api, self_id, how);
		free(self_id);
		imagescan_collect(&c, api, o);
	} else {
		json_object_set(api, "containers", clist);
		json_object_set(api, "images", clist);
	}
	json_decref(clist);
	json_decref(ilist);
	json_object_set_new(api, "swarm", swarm ? collect_swarm(&c) : json_null());
	for (size_t i = 0; i < 4; i++)
		free(errs[i]);
	api_client_release(&c);
	return 0;
}
