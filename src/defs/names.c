#include "config.h"
#include "defs/defs.h"
#include "defs/loader.h"
#include "base/xalloc.h"
#include "base/banned.h"

const char *const target_names[] = {
	"host", "daemon", "file", "container", "image", "kubelet", "proxy", "control-plane", NULL
};

const char *target_name(enum target_kind t)
{
	return target_names[t];
}

static const char *const status_names[] = {
	"PASS", "FAIL", "MANUAL", "SKIP", "ERROR", "WAIVED"
};

const char *status_name(enum status s)
{
	return status_names[s];
}
