/*
 * KMS import benchmark (make bench, issue 4): the whole operator path of
 * `mcxhsm kms import` for a KmsKeyProv file of MCXHSM_BENCH_KEYSETS
 * (default 1,000) TrK-encrypted key sets, validation included.  The file is
 * made by the KMS role of the admin tool in a first token (`kms create`,
 * `kms issue --periods N`: RSK/PVT kw-aes-128-pad, SSK kw-aes128), then
 * imported into a second token holding the same TrK: parse, public checks,
 * C_UnwrapKey of every RSK and SSK+PVT (the token validates them: RSK
 * pairing, SSK/PVT against the KPAK, UID), session objects copied to token
 * objects in one transaction per file.
 *
 * Timed: the child's CPU time (2 shared cores: CPU time, not wall time, is
 * what the machine can do per core); wall time printed too.
 *
 *   BENCH kms_import_keysets <n>/s    (bar: >= 100/s)
 *   BENCH kms_issue_keysets <n>/s     (the KMS role, for scale)
 *   BENCH kms_parse_keysets <n>/s     (the XML reader alone, median of 3)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "admin/kms_xml.h"

#define ROUNDS 3

static char dir[64], tool[4096];

static double child_cpu(void)
{
	struct rusage ru;

	getrusage(RUSAGE_CHILDREN, &ru);
	return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec * 1e-6 +
	       (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec * 1e-6;
}

static double wall(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static double self_cpu(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Run the admin tool with args (a shell word list of our own making). */
static int run(const char *args)
{
	char cmd[8192];

	snprintf(cmd, sizeof(cmd), "'%s' %s >'%s/out' 2>&1", tool, args, dir);
	if (system(cmd) != 0) {
		snprintf(cmd, sizeof(cmd), "cat '%s/out' >&2", dir);
		(void)system(cmd);
		fprintf(stderr, "bench_kms_xml: failed: mcxhsm %s\n", args);
		return -1;
	}
	return 0;
}

static int write_text(const char *name, const char *text)
{
	char p[128];
	FILE *fp = NULL;

	snprintf(p, sizeof(p), "%s/%s", dir, name);
	fp = fopen(p, "w");
	if (fp == NULL || fputs(text, fp) == EOF || fclose(fp) != 0)
		return -1;
	return 0;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static int parse_rate(long n)
{
	char p[128], err[MCX_KMS_XML_ERR_LEN];
	double t[ROUNDS];

	snprintf(p, sizeof(p), "%s/keys.xml", dir);
	for (int r = 0; r < ROUNDS; r++) {
		struct mcx_kms_xml *doc = NULL;
		double t0 = self_cpu();

		if (mcx_kms_xml_parse_file(p, NULL, &doc, err) !=
			MCX_KMS_XML_OK ||
		    (long)doc->n_keysets != n) {
			fprintf(stderr, "bench_kms_xml: parse: %s\n", err);
			mcx_kms_xml_free(doc);
			return -1;
		}
		t[r] = self_cpu() - t0;
		mcx_kms_xml_free(doc);
	}
	qsort(t, ROUNDS, sizeof(t[0]), cmp_double);
	printf("BENCH kms_parse_keysets %.0f keysets/s\n", (double)n / t[1]);
	return 0;
}

int main(void)
{
	const char *env = getenv("MCXHSM_BENCH_KEYSETS");
	const char *build = getenv("MCXHSM_BUILDDIR");
	char args[1024], conf[160];
	long n = env != NULL ? atol(env) : 1000;
	double c0 = 0, w0 = 0, cpu = 0, w = 0;
	int ret = 1;

	if (n <= 0 || n > 100000 || getenv("MCXHSM_MODULE") == NULL) {
		fprintf(stderr,
			"bench_kms_xml: needs MCXHSM_MODULE (make "
			"bench) and 0 < MCXHSM_BENCH_KEYSETS <= 100000\n");
		return 77;
	}
	snprintf(tool, sizeof(tool), "%s/admin/mcxhsm",
		 build != NULL ? build : ".");
	snprintf(dir, sizeof(dir), "/tmp/mcxhsm-bench-kms.XXXXXX");
	if (mkdtemp(dir) == NULL)
		return 1;
	snprintf(conf, sizeof(conf), "token_dir = %s\n", dir);
	if (write_text("mcxhsm.conf", conf) != 0 ||
	    write_text("so.pin", "bench-so-pin\n") != 0 ||
	    write_text("trk.hex", "000102030405060708090a0b0c0d0e0f\n") != 0)
		goto out;
	snprintf(conf, sizeof(conf), "%s/mcxhsm.conf", dir);
	setenv("MCXHSM_CONF", conf, 1);
	setenv("MCXHSM_PIN", "bench-so-pin", 1);
	for (int i = 0; i < 2; i++) {
		const char *t = i == 0 ? "kms" : "srv";

		snprintf(args, sizeof(args),
			 "token init --label %s --so-pin-file '%s/so.pin' "
			 "--pin-file '%s/so.pin'",
			 t, dir, dir);
		if (run(args) != 0)
			goto out;
		snprintf(args, sizeof(args),
			 "--token %s trk import --id 01 --label trk-b "
			 "--key-file '%s/trk.hex'",
			 t, dir);
		if (run(args) != 0)
			goto out;
	}
	if (run("--token kms kms create --uri kms.bench.example.org "
		"--period 2592000 --offset 0") != 0)
		goto out;
	snprintf(args, sizeof(args),
		 "--token kms kms certificate --out '%s/cert.xml'", dir);
	if (run(args) != 0)
		goto out;
	snprintf(args, sizeof(args),
		 "--token kms kms issue --user sip:server@bench.example.org "
		 "--period-no 1500 --periods %ld --trk trk-b --out "
		 "'%s/keys.xml'",
		 n, dir);
	c0 = child_cpu();
	if (run(args) != 0)
		goto out;
	printf("BENCH kms_issue_keysets %.0f keysets/s\n",
	       (double)n / (child_cpu() - c0));
	snprintf(args, sizeof(args), "--token srv kms import '%s/cert.xml'",
		 dir);
	if (run(args) != 0)
		goto out;
	snprintf(args, sizeof(args), "--token srv kms import '%s/keys.xml'",
		 dir);
	c0 = child_cpu();
	w0 = wall();
	if (run(args) != 0)
		goto out;
	cpu = child_cpu() - c0;
	w = wall() - w0;
	printf("import of %ld key sets: %.2f s CPU, %.2f s wall\n", n, cpu, w);
	printf("BENCH kms_import_keysets %.0f keysets/s\n", (double)n / cpu);
	printf("BENCH kms_import_keysets_wall %.0f keysets/s\n", (double)n / w);
	if (parse_rate(n) != 0)
		goto out;
	ret = 0;
out:
	snprintf(args, sizeof(args), "rm -rf '%s'", dir);
	(void)system(args);
	return ret;
}
