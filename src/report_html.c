#include "config.h"
#include "report.h"
#include "xalloc.h"
#include "banned.h"

/* Replaced by the HTML writer (issue 5). */
int report_write_html(const json_t *doc, struct buf *out, char **err)
{
	(void)doc;
	(void)out;
	*err = xstrdup("the html format is not available in this build yet");
	return -1;
}

int report_write_junit(const json_t *doc, struct buf *out, char **err)
{
	(void)doc;
	(void)out;
	*err = xstrdup("the junit format is not available in this build yet");
	return -1;
}
