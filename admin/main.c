/*
 * mcxhsm: the admin tool.  Global options, then GROUP COMMAND [args]; one
 * table maps each pair to the function of its file (as wireguard-tools' wg
 * maps subcommands), so later groups (trk, kms, mikey, gms, regroup) are one
 * line here plus their own file.
 *
 * Exit status: 0 ok, 1 failure with one message on stderr, 2 usage.
 */
#include "config.h"

#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "admin/internal.h"

#ifndef MCXHSM_DEFAULT_MODULE
#error "MCXHSM_DEFAULT_MODULE must name the installed module"
#endif

struct command {
	const char *group;
	const char *name;
	int (*run)(struct mcx_admin *ad, int argc, char **argv);
	const char *args;
	const char *help;
};

static const struct command commands[] = {
    {"token", "init", mcx_token_cmd_init,
     "--label LABEL --so-pin-file F --pin-file F",
     "initialise the empty slot's token and set both PINs"},
    {"token", "info", mcx_token_cmd_info, "[--json]",
     "every slot and token: label, serial, flags, PIN state, counts"},
    {"token", "set-pin", mcx_token_cmd_set_pin, "[--so] [--new-pin-file F]",
     "change the user PIN (or with --so the SO PIN)"},
    {"token", "init-pin", mcx_token_cmd_init_pin, "[--new-pin-file F]",
     "the SO sets a new user PIN (unlocks a locked one)"},
    {"key", "list", mcx_key_cmd_list, "[--json]",
     "the token's objects and their public attributes (never a secret)"},
    {"key", "delete", mcx_key_cmd_delete,
     "(--label L | --id HEX | --unique-id U)", "destroy the matching objects"},
    {"audit", "show", mcx_audit_cmd_show, "[--json] [--last N] [--so]",
     "the token's audit log (logged in as user, or SO with --so)"},
    {"audit", "verify", mcx_audit_cmd_verify, "[--so]",
     "recompute the audit hash chain; exit 1 at the first broken record"},
    {"regroup", "new", mcx_regroup_cmd_new,
     "--regroup-id R [--expires T] [--json]",
     "initiating client: a random RGK-SEED for the regroup in the token"},
    {"regroup", "start", mcx_regroup_cmd_start,
     "--regroup-id R --seed-file FILE (--from-csk CSK_ID | --from-musik "
     "MUSIK_ID) [--expires T] [--p0 URI] [--json]",
     "unwrap a protected seed under the sender's CSK (or the MuSiK) and "
     "keep it for the regroup"},
    {"regroup", "wrap", mcx_regroup_cmd_wrap,
     "--regroup-id R (--to-csk CSK_ID... | --to-musik MUSIK_ID) --out DIR "
     "[--p0 URI]",
     "one protected seed file per target (DIR/<K-ID>.seed), in one call"},
    {"regroup", "end", mcx_regroup_cmd_end, "--regroup-id R",
     "destroy the regroup's seed (and RGKs derived here); audited"},
    {"regroup", "derive", mcx_regroup_cmd_derive,
     "--regroup-id R --gmk GMK_ID [--json]",
     "client: derive the RGK from the GMK and the seed; prints its check "
     "value only"},
    {"trk", "import", mcx_trk_cmd_import,
     "--id HEX --label LABEL --key-file FILE [--ink]",
     "install a TrK (16/32 octets, raw or hex) or with --ink an InK"},
    {"trk", "generate", mcx_trk_cmd_generate,
     "--id HEX --label LABEL [--bits 128|256] [--ink]",
     "generate a TrK (or InK) in the token; prints its check value only"},
    {"kms", "import", mcx_kms_cmd_import,
     "[--trk LABEL] [--ink LABEL] [--uid-as-text] [--require-signature] "
     "[--json] FILE...",
     "import Annex D KMS XML (certificates, key sets); one transaction "
     "per file"},
    {"kms", "create", mcx_kms_cmd_create,
     "--uri KMS_URI --period SECONDS --offset SECONDS",
     "KMS role: generate z_T and KSAK in the token (Z_T, KPAK public)"},
    {"kms", "certificate", mcx_kms_cmd_certificate,
     "--out FILE [--uri KMS_URI] [--user URI]",
     "KMS role: write the KmsInit XML with the KMS certificate"},
    {"kms", "issue", mcx_kms_cmd_issue,
     "--user URI... [--period-no N [--periods K] | --at TIME] --trk LABEL "
     "--out FILE [--uri KMS_URI]",
     "KMS role: KmsKeyProv XML of user key sets wrapped under the TrK"},
    {"mikey", "inspect", mcx_mikey_inspect_cmd, "FILE [--json]",
     "decode every payload of an I_MESSAGE (binary or SDP 'mikey "
     "<base64>'); no token needed"},
    {"mikey", "send", mcx_mikey_cmd_send,
     "--key K-ID [--from URI] --to URI [--to-kms KMS-URI] [--status "
     "revoked] [--group-id G]... [--text T] [--activation T] [--expiry T] "
     "[--time T] [--sakke-to-self] [--hide-identities] [--no-key-params] "
     "[--sdp] --out FILE",
     "a signed I_MESSAGE carrying the MCX key K-ID to one receiver"},
    {"mikey", "receive", mcx_mikey_cmd_receive,
     "--in FILE [--in FILE]... [--at TIME] [--max-age S] [--max-skew S] "
     "[--label L] [--json]",
     "verify an I_MESSAGE (binary or SDP) and store its key in the token"},
    {"gms", "create-group", mcx_gms_cmd_create_group,
     "--group-id G [--members FILE] [--floor-control | --members-only] "
     "[--json]",
     "a new GMK for group G (and an MKFC); FILE: 'URI [KMS-URI]' lines; "
     "--members-only: record a partner domain's group (no key)"},
    {"gms", "distribute", mcx_gms_cmd_distribute,
     "--group-id G [--members FILE] --out DIR [--from URI] [--text T] "
     "[--activation T] [--expiry T] [--time T] [--sdp] [--json]",
     "one I_MESSAGE per member and group key into DIR"},
    {"gms", "revoke", mcx_gms_cmd_revoke,
     "--group-id G [--out DIR] [--from URI] [--time T] [--sdp] [--json]",
     "status 'revoked' to every member, then the group's keys revoked"},
    {"gms", "regroup", mcx_gms_cmd_regroup,
     "--from-groups G1,G2 --group-id T --out DIR [--floor-control] "
     "[--from URI] [--time T] [--sdp] [--json]",
     "a new GMK for T sent to the union of the groups' members"},
    {"gms", "forward", mcx_gms_cmd_forward,
     "--in FILE --members FILE --out DIR [--from URI] [--time T] [--sdp] "
     "[--json]",
     "partner GMS: take the primary GMS's GMK, re-send it signed by us"},
};

int mcx_main_fail(const char *fmt, ...)
{
	va_list ap;

	fputs("mcxhsm: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return MCX_EXIT_FAIL;
}

int mcx_main_usage(const char *group, const char *command)
{
	size_t i = 0;

	fprintf(stderr,
		"usage: mcxhsm [--module PATH] [--conf FILE] [--token LABEL] "
		"[--pin-file F]\n"
		"              GROUP COMMAND [args]\n\n");
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		const struct command *c = &commands[i];

		if (group != NULL && strcmp(group, c->group) != 0)
			continue;
		if (command != NULL && strcmp(command, c->name) != 0)
			continue;
		fprintf(stderr, "  mcxhsm %s %s %s\n      %s\n", c->group,
			c->name, c->args, c->help);
	}
	fprintf(stderr,
		"\nThe module defaults to %s (or $MCXHSM_MODULE);\n"
		"PINs come from --pin-file, $MCXHSM_PIN ($MCXHSM_SO_PIN) or a "
		"prompt.\n",
		MCXHSM_DEFAULT_MODULE);
	return MCX_EXIT_USAGE;
}

bool mcx_main_common_opt(struct mcx_admin *ad, int opt, const char *arg)
{
	switch (opt) {
	case 0x100:
		ad->module_path = arg;
		return true;
	case 0x101:
		ad->token_label = arg;
		return true;
	case 0x102:
		ad->pin_file = arg;
		return true;
	case 0x103:
		ad->so_pin_file = arg;
		return true;
	case 0x104:
		/* The module reads its configuration from the environment. */
		setenv("MCXHSM_CONF", arg, 1);
		return true;
	default:
		return false;
	}
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
	    MCX_COMMON_LONGOPTS,
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	struct mcx_admin ad = {0};
	const char *env = getenv("MCXHSM_MODULE");
	size_t i = 0;
	int opt = 0;
	bool group_known = false;

	ad.module_path =
	    (env != NULL && env[0] != '\0') ? env : MCXHSM_DEFAULT_MODULE;
	/* '+': stop at GROUP, the command parses the rest. */
	while ((opt = getopt_long(argc, argv, "+h", longopts, NULL)) != -1) {
		if (opt == 'h') {
			mcx_main_usage(NULL, NULL);
			return MCX_EXIT_OK;
		}
		if (!mcx_main_common_opt(&ad, opt, optarg))
			return mcx_main_usage(NULL, NULL);
	}
	if (argc - optind < 2)
		return mcx_main_usage(argc - optind == 1 ? argv[optind] : NULL,
				      NULL);
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		const struct command *c = &commands[i];

		if (strcmp(argv[optind], c->group) != 0)
			continue;
		group_known = true;
		if (strcmp(argv[optind + 1], c->name) != 0)
			continue;
		/* The command sees argv from its name on, as getopt wants. */
		argc -= optind + 1;
		argv += optind + 1;
		optind = 0;
		return c->run(&ad, argc, argv);
	}
	fprintf(stderr, "mcxhsm: unknown %s '%s %s'\n",
		group_known ? "command" : "group", argv[optind],
		argv[optind + 1]);
	return mcx_main_usage(group_known ? argv[optind] : NULL, NULL);
}
