#include "config.h"
#include <stdlib.h>
#include <string.h>
#include "score/xccdf.h"
#include "base/xalloc.h"
#include "base/banned.h"

/* A node of the Benchmark's tree: a Group (r NULL) or a Rule. */
struct node {
	const char *bench;		/* borrowed */
	char *section;			/* Group: its section id; NULL for a benchmark's Group */
	const struct check_result *r;	/* Rule */
	double weight;
	struct node **kids;
	size_t nkids, alloc;
};

static struct node *node_add(struct node *parent, const char *bench, const char *section,
			     const struct check_result *r, double weight)
{
	struct node *k = xcalloc(1, sizeof(*k));
	k->bench = bench;
	k->section = section ? xstrdup(section) : NULL;
	k->r = r;
	k->weight = weight;
	ALLOC_GROW(parent->kids, parent->nkids + 1, parent->alloc);
	parent->kids[parent->nkids++] = k;
	return k;
}

static void node_free(struct node *n)
{
	for (size_t i = 0; i < n->nkids; i++)
		node_free(n->kids[i]);
	free(n->kids);
	free(n->section);
	free(n);
}

/* The Group of section sec (and its parents) under top, created as needed. */
static struct node *group_for(struct node *top, const char *bench, const char *sec)
{
	const char *dot = strrchr(sec, '.');
	struct node *parent = top;
	if (dot) {
		char *up = xstrndup(sec, (size_t)(dot - sec));
		parent = group_for(top, bench, up);
		free(up);
	}
	for (size_t i = 0; i < parent->nkids; i++) {
		struct node *k = parent->kids[i];
		if (!k->r && k->section && !strcmp(k->section, sec))
			return k;
	}
	return node_add(parent, bench, sec, NULL, 1.0);
}

double score_xccdf_weight(const struct check_result *r, const struct score_opts *o)
{
	if (o->automated_only && strcmp(r->check->assessment, "automated"))
		return 0;
	return r->check->rule->weight;
}

/* Statuses the models leave out: notchecked, notapplicable, informational. */
static int counted(enum status s)
{
	return s == ST_PASS || s == ST_FAIL || s == ST_ERROR;
}

struct dflt {
	int count;
	double score, weighted;
};

static struct dflt score_default(const struct node *n)
{
	struct dflt d = { 0, 0, 0 };
	if (n->r) {
		if (!counted(n->r->status))
			return d;
		d.count = 1;
		d.score = n->r->status == ST_PASS ? 100.0 : 0.0;
		d.weighted = d.score * n->weight;
		return d;
	}
	double acc = 0;
	for (size_t i = 0; i < n->nkids; i++) {
		struct dflt c = score_default(n->kids[i]);
		if (!c.count)
			continue;
		d.score += c.weighted;
		d.count++;
		acc += n->kids[i]->weight;
	}
	/* As OpenSCAP does: no normalising when every child weighs 0. */
	if (d.count && acc != 0)
		d.score /= acc;
	d.weighted = d.score * n->weight;
	return d;
}

static void score_flat(const struct node *n, int unweighted, double *score, double *max)
{
	if (n->r) {
		if (!counted(n->r->status))
			return;
		double w = unweighted ? 1.0 : n->weight;
		*max += w;
		if (n->r->status == ST_PASS)
			*score += w;
		return;
	}
	for (size_t i = 0; i < n->nkids; i++)
		score_flat(n->kids[i], unweighted, score, max);
}

json_t *score_xccdf(const struct check_result *r, size_t n, size_t nbenches,
		    const struct score_opts *o)
{
	struct node *root = xcalloc(1, sizeof(*root));
	root->weight = 1.0;
	for (size_t i = 0; i < n; i++) {
		const char *bench = r[i].check->bench->id;
		struct node *top = root;
		if (nbenches > 1) {
			top = NULL;
			for (size_t k = 0; k < root->nkids && !top; k++)
				if (!strcmp(root->kids[k]->bench, bench))
					top = root->kids[k];
			if (!top)
				top = node_add(root, bench, NULL, NULL, 1.0);
		}
		char *sec = check_section(r[i].check->id);
		node_add(group_for(top, bench, sec), bench, NULL, &r[i], score_xccdf_weight(&r[i], o));
		free(sec);
	}
	json_t *out = json_array();
	struct dflt d = score_default(root);
	json_array_append_new(out, json_pack("{s:s,s:f,s:f}", "system", "urn:xccdf:scoring:default",
					     "score", d.score, "maximum", 100.0));
	for (int unweighted = 0; unweighted < 2; unweighted++) {
		double s = 0, max = 0;
		score_flat(root, unweighted, &s, &max);
		json_array_append_new(out, json_pack("{s:s,s:f,s:f}", "system",
						     unweighted ? "urn:xccdf:scoring:flat-unweighted" :
								  "urn:xccdf:scoring:flat",
						     "score", s, "maximum", max));
	}
	node_free(root);
	return out;
}
