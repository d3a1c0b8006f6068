#include "config.h"
#include <math.h>
#include <string.h>
#include "score/score.h"
#include "base/banned.h"

int score_model_parse(const char *s, enum score_model *out)
{
	if (!strcmp(s, "default"))
		*out = SCORE_DEFAULT;
	else if (!strcmp(s, "flat"))
		*out = SCORE_FLAT;
	else if (!strcmp(s, "absolute"))
		*out = SCORE_ABSOLUTE;
	else
		return -1;
	return 0;
}

const char *score_model_name(enum score_model m)
{
	return m == SCORE_FLAT ? "flat" : m == SCORE_ABSOLUTE ? "absolute" : "default";
}

const char *score_basis(const struct score_opts *o)
{
	switch (o->model) {
	case SCORE_FLAT:
		return o->automated_only ?
			"sum of weights of passed checks / sum of weights of passed and failed checks, over checks CIS labels Automated, in percent" :
			"sum of weights of passed checks / sum of weights of passed and failed checks, in percent";
	case SCORE_ABSOLUTE:
		return o->automated_only ?
			"100 when no check CIS labels Automated failed, else 0" :
			"100 when no check failed, else 0";
	default:
		return o->automated_only ?
			"passed / (passed + failed) over checks CIS labels Automated that boxaudit judged mechanically, in percent" :
			"passed / (passed + failed) over the checks boxaudit judged mechanically, in percent";
	}
}

void score_mark(struct check_result *r, size_t n, const struct score_opts *o)
{
	for (size_t i = 0; i < n; i++) {
		const struct check *c = r[i].check;
		r[i].scored = (r[i].status == ST_PASS || r[i].status == ST_FAIL) &&
			      (!o->automated_only || !strcmp(c->assessment, "automated"));
	}
}

json_t *score_summary(const struct check_result *r, size_t n, const struct score_opts *o,
		      int (*keep)(const struct check_result *, const void *), const void *arg)
{
	size_t counts[ST__COUNT] = {0};
	size_t total = 0, scored = 0, passed = 0, failed = 0;
	double wpass = 0, wall = 0;
	for (size_t i = 0; i < n; i++) {
		if (keep && !keep(&r[i], arg))
			continue;
		counts[r[i].status]++;
		total++;
		if (!r[i].scored)
			continue;
		scored++;
		double w = r[i].check->rule->weight;
		wall += w;
		if (r[i].status == ST_PASS) {
			passed++;
			wpass += w;
		} else {
			failed++;
		}
	}
	json_t *s = json_object();
	for (int st = 0; st < ST__COUNT; st++)
		json_object_set_new(s, status_name((enum status)st), json_integer((json_int_t)counts[st]));
	json_object_set_new(s, "total", json_integer((json_int_t)total));
	json_object_set_new(s, "scored", json_integer((json_int_t)scored));
	json_t *score = json_null();
	if (scored) {
		double v;
		if (o->model == SCORE_ABSOLUTE)
			v = failed ? 0 : 100;
		else if (o->model == SCORE_FLAT)
			v = wall > 0 ? 100.0 * wpass / wall : 100;
		else
			v = 100.0 * (double)passed / (double)scored;
		/* One decimal, so every format prints the same number. */
		score = json_real(round(v * 10) / 10);
	}
	json_object_set_new(s, "score", score);
	return s;
}
