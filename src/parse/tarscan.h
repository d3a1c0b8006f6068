/*
 * tarscan: find setuid and setgid files in a tar stream, as it arrives.
 *
 * The stream (a `docker export`, say) is fed in chunks of any size; only
 * one 512-byte header and, for GNU long names ('L') and pax headers ('x'),
 * a bounded extension block are held at a time.  File data is skipped,
 * never stored, so memory stays bounded whatever the archive size.
 * Understands ustar (name prefix), GNU (long names, base-256 sizes) and
 * pax (path= and size= records); header-only types (links, devices,
 * directories, fifos) carry no data, as in Go's archive/tar which writes
 * Docker's exports.  A malformed stream stops the scan with ts->error.
 *
 *	struct tarscan ts;
 *	tarscan_init(&ts, 1000);
 *	while (more data)
 *		if (tarscan_feed(&ts, p, n) != 0) break;	(1: archive end, -1: ts.error)
 *	if (tarscan_finish(&ts) < 0) ... ts.error ...
 *	for (size_t i = 0; i < ts.nfiles; i++) ts.files[i].path, ts.files[i].mode
 *	tarscan_release(&ts);
 *
 * Recorded are regular files (and hard links to them) whose mode has
 * 04000 or 02000, named "/path" (leading "./" and "/" folded into one "/").
 * Paths are raw bytes from the archive (not necessarily UTF-8).  All
 * memory belongs to the struct and is freed by tarscan_release.
 */
#ifndef BOXAUDIT_TARSCAN_H
#define BOXAUDIT_TARSCAN_H

#include <stddef.h>
#include <stdint.h>
#include "base/limits.h"


struct tarscan_file {
	char *path;
	unsigned mode;		/* permission and special bits (07777) */
};

struct tarscan {
	/* results */
	struct tarscan_file *files;
	size_t nfiles;
	size_t found;		/* setuid/setgid files seen, listed or not */
	int truncated;		/* found > max_files: only the first max_files are listed */
	uint64_t entries;	/* headers of file-system entries seen */
	uint64_t offset;	/* bytes consumed */
	char *error;		/* the first problem, or NULL */
	/* parser state (private) */
	size_t max_files, alloc;
	int state;
	unsigned char hdr[512];
	size_t hdr_fill;
	uint64_t data_left;	/* data and padding bytes still to pass */
	uint64_t data_size;	/* unpadded size of the current entry's data */
	int ext_kind;		/* 'L' or 'x' while capturing, else 0 */
	char *ext;		/* the captured extension data */
	size_t ext_len, ext_cap;
	char *next_name;	/* name for the next entry ('L' or pax path) */
	int next_size_set;
	uint64_t next_size;	/* pax size= for the next entry */
};

void tarscan_init(struct tarscan *ts, size_t max_files);
/* Consume n bytes: 0 more wanted, 1 the archive has ended (the rest is ignored), -1 error. */
int tarscan_feed(struct tarscan *ts, const void *data, size_t n);
/* At the end of the stream: 0, or -1 with ts->error when it was cut short. */
int tarscan_finish(struct tarscan *ts);
void tarscan_release(struct tarscan *ts);

#endif
