/*
 * Corpus replay for the fuzz targets (tests/fuzz/replay.h).
 */
#include "tests/fuzz/replay.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The largest corpus file read; longer files are cut here. */
#define REPLAY_MAX_INPUT (1u << 20)

static int replay_file(const char *path)
{
	static uint8_t buf[REPLAY_MAX_INPUT];
	FILE *fp = fopen(path, "rb");
	uint8_t *copy = NULL;
	size_t n = 0;

	if (fp == NULL) {
		perror(path);
		return 1;
	}
	n = fread(buf, 1, sizeof(buf), fp);
	fclose(fp);
	copy = malloc(n ? n : 1);
	if (copy == NULL)
		return 1;
	memcpy(copy, buf, n);
	LLVMFuzzerTestOneInput(copy, n);
	free(copy);
	return 0;
}

int mcx_fuzz_replay(int argc, char **argv, const char *corpus,
		    int (*checked)(const char *file))
{
	char dir[1024];
	const char *src = getenv("MCXHSM_SRCDIR");
	struct dirent *e = NULL;
	DIR *d = NULL;
	int files = 0, rc = 0;

	if (argc > 1)
		snprintf(dir, sizeof(dir), "%s", argv[1]);
	else if (src != NULL)
		snprintf(dir, sizeof(dir), "%s/tests/fuzz/corpus/%s", src,
			 corpus);
	else
		return 77;
	d = opendir(dir);
	if (d == NULL) {
		perror(dir);
		return 1;
	}
	while ((e = readdir(d)) != NULL) {
		char path[2048];

		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		if (replay_file(path) != 0) {
			closedir(d);
			return 1;
		}
		if (checked != NULL && checked(e->d_name) != 0)
			rc = 1;
		files++;
	}
	closedir(d);
	printf("replayed %d corpus files\n", files);
	return files > 0 ? rc : 1;
}
