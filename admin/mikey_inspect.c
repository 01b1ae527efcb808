/*
 * mcxhsm mikey inspect FILE [--json]: every payload of a MIKEY-SAKKE
 * I_MESSAGE (RFC 3830 / RFC 6043 / RFC 6509, TS 33.180 Annex E;
 * MCX-REFERENCE §4.3, §5.6), with no token: the message is public data, so
 * the tool runs the mechanisms' strict decoder on it directly.  The key
 * parameters (GE type 7) are encrypted under the key being sent, so only
 * their envelope is shown.
 *
 * Also the I_MESSAGE file reader shared by `mikey receive` and
 * `gms forward`: a file holds the binary message or its SDP form
 * (`mikey <base64>`, optionally as `a=key-mgmt:mikey <base64>`, RFC 4567).
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <json-c/json.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "admin/internal.h"
#include "mechanisms/mikey.h"

#define MSG_MAX (64 * 1024) /* far above any I_MESSAGE (about 1 kB) */

/* The base64 after "mikey" and blanks; NULL when there is none. */
static const char *sdp_base64(const char *text)
{
	const char *p = strstr(text, "mikey");

	if (p == NULL)
		return NULL;
	p += strlen("mikey");
	if (*p != ' ' && *p != '\t')
		return NULL;
	while (*p == ' ' || *p == '\t')
		p++;
	return p;
}

static int decode_base64(const char *b64, CK_BYTE **out, size_t *out_len)
{
	size_t n = strcspn(b64, " \t\r\n"), pad = 0;
	CK_BYTE *buf = NULL;
	int dec = 0;

	if (n == 0 || n % 4 != 0)
		return mcx_main_fail("SDP form: the base64 after 'mikey' has "
				     "%zu characters (not a multiple of 4)",
				     n);
	buf = malloc(n / 4 * 3 + 1);
	if (buf == NULL)
		return mcx_main_fail("out of memory");
	dec = EVP_DecodeBlock(buf, (const unsigned char *)b64, (int)n);
	if (dec < 0) {
		free(buf);
		return mcx_main_fail("SDP form: invalid base64");
	}
	/* EVP_DecodeBlock counts the padding as zero octets. */
	pad = (b64[n - 1] == '=') + (b64[n - 2] == '=');
	*out = buf;
	*out_len = (size_t)dec - pad;
	return MCX_EXIT_OK;
}

int mcx_mikey_inspect_read(const char *path, CK_BYTE **msg, size_t *len,
			   bool *sdp)
{
	FILE *fp = NULL;
	char *buf = NULL;
	const char *b64 = NULL;
	size_t n = 0;
	int ret = MCX_EXIT_FAIL;

	*msg = NULL;
	*len = 0;
	buf = malloc(MSG_MAX + 1);
	if (buf == NULL)
		return mcx_main_fail("out of memory");
	fp = fopen(path, "rbe");
	if (fp == NULL) {
		ret = mcx_main_fail("%s: %s", path, strerror(errno));
		goto out;
	}
	n = fread(buf, 1, MSG_MAX + 1, fp);
	if (ferror(fp) || n > MSG_MAX || n == 0) {
		ret = mcx_main_fail("%s: %s", path,
				    ferror(fp) ? "read error"
				    : n == 0   ? "empty file"
					       : "too large for an I_MESSAGE");
		goto out;
	}
	buf[n] = '\0';
	/* A binary I_MESSAGE starts with version 1, data type 26; the SDP
	 * form is text and cannot start so. */
	if (n >= 2 && (CK_BYTE)buf[0] == MCX_MIKEY_VERSION &&
	    (CK_BYTE)buf[1] == MCX_MIKEY_DATA_TYPE_SAKKE) {
		*msg = (CK_BYTE *)buf;
		*len = n;
		buf = NULL;
		if (sdp != NULL)
			*sdp = false;
		ret = MCX_EXIT_OK;
		goto out;
	}
	if (strlen(buf) != n || (b64 = sdp_base64(buf)) == NULL) {
		ret = mcx_main_fail("%s: neither a binary I_MESSAGE nor the "
				    "SDP form 'mikey <base64>'",
				    path);
		goto out;
	}
	ret = decode_base64(b64, msg, len);
	if (ret == MCX_EXIT_OK && sdp != NULL)
		*sdp = true;
out:
	if (fp != NULL)
		fclose(fp);
	free(buf);
	return ret;
}

int mcx_mikey_inspect_write(const char *path, const CK_BYTE *msg, size_t len)
{
	FILE *fp = fopen(path, "wbe");

	if (fp == NULL)
		return mcx_main_fail("%s: %s", path, strerror(errno));
	if (fwrite(msg, 1, len, fp) != len) {
		fclose(fp);
		return mcx_main_fail("%s: write error", path);
	}
	if (fclose(fp) != 0)
		return mcx_main_fail("%s: %s", path, strerror(errno));
	return MCX_EXIT_OK;
}

static const char *payload_name(uint8_t type)
{
	switch (type) {
	case MCX_MIKEY_PT_HDR:
		return "HDR";
	case MCX_MIKEY_PT_T:
		return "T";
	case MCX_MIKEY_PT_RAND:
		return "RAND";
	case MCX_MIKEY_PT_IDR:
		return "IDR";
	case MCX_MIKEY_PT_SP:
		return "SP";
	case MCX_MIKEY_PT_SAKKE:
		return "SAKKE";
	case MCX_MIKEY_PT_GE:
		return "GEN-EXT";
	case MCX_MIKEY_PT_SIGN:
		return "SIGN";
	default:
		return "unknown";
	}
}

/* RFC 6043 §6.6, RFC 6509 §4.4, TS 33.180 E.7. */
static const char *role_name(uint8_t role)
{
	static const char *const names[] = {
	    NULL,     "IDRi",	 "IDRr",    "IDRkms",  "IDRpsk",
	    "IDRapp", "IDRkmsi", "IDRkmsr", "IDRuidi", "IDRuidr",
	};

	return role < sizeof(names) / sizeof(names[0]) && names[role] != NULL
		   ? names[role]
		   : "unknown";
}

/* TS 33.179 Table E.2-1 / RFC 3711 SRTP policy parameter types. */
static const char *sp_name(uint8_t type)
{
	switch (type) {
	case 0:
		return "encryption algorithm";
	case 1:
		return "session encryption key length";
	case 2:
		return "authentication algorithm";
	case 4:
		return "session salt key length";
	case 5:
		return "SRTP PRF";
	case 6:
		return "key derivation rate";
	case 13:
		return "ROC transmission rate";
	case 18:
		return "SRTP authentication tag length";
	case 19:
		return "SRTCP authentication tag length";
	case 20:
		return "AEAD authentication tag length";
	default:
		return "unknown";
	}
}

static void add_uint(struct json_object *o, const char *key, uint64_t v)
{
	mcx_json_add_int(o, key, (long long)v);
}

static void add_u32hex(struct json_object *o, const char *key, uint32_t v)
{
	CK_BYTE b[4] = {(CK_BYTE)(v >> 24), (CK_BYTE)(v >> 16),
			(CK_BYTE)(v >> 8), (CK_BYTE)v};

	mcx_json_add_hex(o, key, b, 4);
}

static bool printable(const uint8_t *p, size_t len)
{
	size_t i = 0;

	for (i = 0; i < len; i++)
		if (p[i] < 0x20 || p[i] > 0x7e)
			return false;
	return len > 0;
}

static void hdr_fields(struct json_object *o, const struct mcx_mikey_msg *m)
{
	struct json_object *cs = NULL;
	size_t i = 0, k = 0;

	add_uint(o, "version", m->version);
	add_uint(o, "data_type", m->data_type);
	add_uint(o, "V", m->v);
	add_uint(o, "PRF", m->prf);
	add_u32hex(o, "csb_id", m->csb_id);
	/* The purpose tag tells whether the CSB-ID is a UK-ID (5.2.3). */
	mcx_json_add_string(o, "purpose", mcx_names_purpose(m->csb_id >> 28));
	mcx_json_add_bool(o, "uk_id_diversified",
			  mcx_mikey_purpose_diversified(m->csb_id) != 0);
	add_uint(o, "n_cs", m->n_cs);
	add_uint(o, "cs_id_map_type", m->map_type);
	if (m->map_type == MCX_MIKEY_MAP_EMPTY)
		return;
	cs = json_object_new_array();
	for (i = 0; i < m->n_cs; i++) {
		const struct mcx_mikey_cs *c = &m->cs[i];
		struct json_object *e = json_object_new_object();

		if (m->map_type == MCX_MIKEY_MAP_SRTP_ID) {
			add_uint(e, "policy_no", c->policy_no);
			add_uint(e, "ssrc", c->ssrc);
			add_uint(e, "roc", c->roc);
		} else {
			struct json_object *pol = json_object_new_array();

			add_uint(e, "cs_id", c->cs_id);
			add_uint(e, "prot_type", c->prot_type);
			add_uint(e, "S", c->s);
			add_uint(e, "n_policies", c->n_policies);
			for (k = 0; k < c->n_policies; k++)
				json_object_array_add(
				    pol, json_object_new_int(c->policies[k]));
			json_object_object_add(e, "policies", pol);
			json_object_object_add(e, "session_data",
					       json_object_new_string(""));
			if (c->session_data_len > 0)
				mcx_json_add_hex(e, "session_data",
						 c->session_data,
						 c->session_data_len);
			add_uint(e, "spi_len", c->spi_len);
			if (c->spi_len > 0)
				mcx_json_add_hex(e, "spi", c->spi, c->spi_len);
		}
		json_object_array_add(cs, e);
	}
	json_object_object_add(
	    o, m->map_type == MCX_MIKEY_MAP_SRTP_ID ? "srtp_id" : "generic_id",
	    cs);
}

static void sakke_fields(struct json_object *o,
			 const struct mcx_mikey_sakke_payload *s)
{
	add_uint(o, "sakke_params", s->params);
	add_uint(o, "id_scheme", s->id_scheme);
	add_uint(o, "sakke_data_len", s->sed_len);
	mcx_json_add_hex(o, "sakke_data", s->sed, s->sed_len);
}

static void ge_fields(struct json_object *o, const struct mcx_mikey_msg *m,
		      const uint8_t *p)
{
	const struct mcx_mikey_keyparams_pp *pp = &m->keyparams;

	add_uint(o, "ext_type", p[1]);
	add_uint(o, "ext_len", ((size_t)p[2] << 8) | p[3]);
	mcx_json_add_hex(o, "ext_data", p + 4, ((size_t)p[2] << 8) | p[3]);
	if (p[1] == MCX_MIKEY_GE_SAKKE_TO_SELF) {
		mcx_json_add_string(o, "meaning", "SAKKE-to-self (E.5)");
		sakke_fields(o, &m->self);
		return;
	}
	/* GE type 7 (E.6, decision e): the envelope only, the content is
	 * encrypted under a key derived from the key being sent. */
	mcx_json_add_string(o, "meaning", "3GPP key parameters (E.6)");
	add_uint(o, "message_type", pp->data[0]);
	add_uint(o, "date_time", pp->date_time);
	add_uint(o, "algorithm", pp->algorithm);
	mcx_json_add_hex(o, "iv", pp->iv, MCX_MIKEY_PP_IV_LEN);
	add_u32hex(o, "dppk_id", pp->dppk_id);
	add_uint(o, "ciphertext_len", pp->ct_len - MCX_MIKEY_PP_TAG_LEN);
	mcx_json_add_hex(o, "ciphertext", pp->ct,
			 pp->ct_len - MCX_MIKEY_PP_TAG_LEN);
	mcx_json_add_hex(o, "tag", pp->ct + pp->ct_len - MCX_MIKEY_PP_TAG_LEN,
			 MCX_MIKEY_PP_TAG_LEN);
}

static void sign_fields(struct json_object *o, const struct mcx_mikey_msg *m)
{

	add_uint(o, "s_type", m->sign_type);
	mcx_json_add_string(o, "algorithm", "ECCSI");
	add_uint(o, "sig_len", m->sig_len);
	add_uint(o, "signed_len", m->signed_len);
	mcx_json_add_hex(o, "signature", m->sig, m->sig_len);
	/* RFC 6507 §3.3: r (32) || s (32) || PVT (65). */
	mcx_json_add_hex(o, "r", m->sig, 32);
	mcx_json_add_hex(o, "s", m->sig + 32, 32);
	mcx_json_add_hex(o, "pvt", m->sig + 64, m->sig_len - 64);
}

/* One payload as a JSON object: type, offset, length, next payload, and its
 * fields under the names of the test vectors (tests/vectors). */
static struct json_object *payload_json(const struct mcx_mikey_msg *m, size_t i,
					size_t *idr_no)
{
	const struct mcx_mikey_payload_pos *pos = &m->pos[i];
	const uint8_t *p = m->msg + pos->offset;
	struct json_object *o = json_object_new_object();
	size_t k = 0;

	mcx_json_add_string(o, "type", payload_name(pos->type));
	if (pos->type != MCX_MIKEY_PT_HDR)
		add_uint(o, "type_no", pos->type);
	add_uint(o, "offset", pos->offset);
	add_uint(o, "length", pos->len);
	/* HDR's next payload is its third octet, SIGN has none. */
	if (pos->type == MCX_MIKEY_PT_HDR)
		add_uint(o, "next_payload", p[2]);
	else if (pos->type != MCX_MIKEY_PT_SIGN)
		add_uint(o, "next_payload", p[0]);
	switch (pos->type) {
	case MCX_MIKEY_PT_HDR:
		hdr_fields(o, m);
		break;
	case MCX_MIKEY_PT_T:
		add_uint(o, "ts_type", m->ts_type);
		mcx_json_add_hex(o, "ts", p + 2, 8);
		mcx_json_add_time(o, "time", mcx_mikey_unix_from_ntp(m->ts));
		break;
	case MCX_MIKEY_PT_RAND:
		add_uint(o, "rand_len", m->rand_len);
		mcx_json_add_hex(o, "rand", m->rand, m->rand_len);
		break;
	case MCX_MIKEY_PT_IDR: {
		const struct mcx_mikey_idr *d = &m->idr[(*idr_no)++];

		add_uint(o, "id_role", d->role);
		mcx_json_add_string(o, "role", role_name(d->role));
		add_uint(o, "id_type", d->type);
		add_uint(o, "id_len", d->id_len);
		mcx_json_add_hex(o, "id_hex", d->id, d->id_len);
		/* Hashed identities (roles 8/9) are not text. */
		if (printable(d->id, d->id_len)) {
			char *t = strndup((const char *)d->id, d->id_len);

			mcx_json_add_string(o, "id_text", t);
			free(t);
		}
		break;
	}
	case MCX_MIKEY_PT_SP: {
		struct json_object *params = json_object_new_array();

		add_uint(o, "policy_no", m->sp_policy_no);
		add_uint(o, "prot_type", m->sp_prot_type);
		add_uint(o, "param_len", m->sp_params_len);
		/* { type | length | value }* (RFC 3830 §6.10). */
		for (k = 0; k + 2 <= m->sp_params_len;) {
			struct json_object *e = NULL;
			size_t l = m->sp_params[k + 1];

			if (k + 2 + l > m->sp_params_len)
				break;
			e = json_object_new_object();
			add_uint(e, "type", m->sp_params[k]);
			mcx_json_add_string(e, "name",
					    sp_name(m->sp_params[k]));
			mcx_json_add_hex(e, "value", m->sp_params + k + 2, l);
			json_object_array_add(params, e);
			k += 2 + l;
		}
		json_object_object_add(o, "params", params);
		break;
	}
	case MCX_MIKEY_PT_SAKKE:
		sakke_fields(o, &m->sakke);
		break;
	case MCX_MIKEY_PT_GE:
		ge_fields(o, m, p);
		break;
	case MCX_MIKEY_PT_SIGN:
		sign_fields(o, m);
		break;
	default:
		break;
	}
	return o;
}

static void print_value(const char *key, struct json_object *v, int depth)
{
	if (json_object_is_type(v, json_type_array)) {
		size_t i = 0, n = json_object_array_length(v);

		printf("%*s%s:\n", depth, "", key);
		for (i = 0; i < n; i++) {
			struct json_object *e = json_object_array_get_idx(v, i);

			if (json_object_is_type(e, json_type_object)) {
				printf("%*s[%zu]\n", depth + 2, "", i);
				json_object_object_foreach(e, k2, v2)
				{
					print_value(k2, v2, depth + 4);
				}
			} else {
				printf("%*s[%zu] %s\n", depth + 2, "", i,
				       json_object_get_string(e));
			}
		}
		return;
	}
	printf("%*s%-18s %s\n", depth, "", key, json_object_get_string(v));
}

static void print_text(struct json_object *root)
{
	struct json_object *payloads = NULL, *v = NULL, *sdp = NULL;
	size_t i = 0, n = 0;

	json_object_object_get_ex(root, "length", &v);
	json_object_object_get_ex(root, "sdp", &sdp);
	printf("I_MESSAGE, %s octets%s\n", json_object_get_string(v),
	       json_object_get_boolean(sdp) ? " (from the SDP form)" : "");
	json_object_object_get_ex(root, "payloads", &payloads);
	n = json_object_array_length(payloads);
	for (i = 0; i < n; i++) {
		struct json_object *p = json_object_array_get_idx(payloads, i);
		struct json_object *t = NULL, *off = NULL, *len = NULL;

		json_object_object_get_ex(p, "type", &t);
		json_object_object_get_ex(p, "offset", &off);
		json_object_object_get_ex(p, "length", &len);
		printf("%-5s at %s, %s octets\n", json_object_get_string(t),
		       json_object_get_string(off),
		       json_object_get_string(len));
		json_object_object_foreach(p, key, val)
		{
			if (strcmp(key, "type") == 0 ||
			    strcmp(key, "offset") == 0 ||
			    strcmp(key, "length") == 0)
				continue;
			print_value(key, val, 4);
		}
	}
}

int mcx_mikey_inspect_cmd(struct mcx_admin *ad, int argc, char **argv)
{
	static const struct option longopts[] = {
	    MCX_COMMON_LONGOPTS,
	    {"json", no_argument, NULL, 'j'},
	    {NULL, 0, NULL, 0},
	};
	struct mcx_mikey_msg m;
	struct json_object *root = NULL, *payloads = NULL;
	CK_BYTE *msg = NULL;
	size_t len = 0, i = 0, idr_no = 0;
	enum mcx_mech_err err = MCX_OK;
	int opt = 0, ret = MCX_EXIT_FAIL;
	bool json = false, sdp = false;

	memset(&m, 0, sizeof(m));
	while ((opt = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		if (opt == 'j')
			json = true;
		else if (!mcx_main_common_opt(ad, opt, optarg))
			return mcx_main_usage("mikey", "inspect");
	}
	if (argc - optind != 1)
		return mcx_main_usage("mikey", "inspect");
	ret = mcx_mikey_inspect_read(argv[optind], &msg, &len, &sdp);
	if (ret != MCX_EXIT_OK)
		goto out;
	err = mcx_mikey_decode(msg, len, &m);
	if (err != MCX_OK) {
		ret = mcx_main_fail(
		    "%s: not a valid MIKEY-SAKKE I_MESSAGE: %s", argv[optind],
		    err == MCX_ERR_UNSUPPORTED
			? "a field TS 33.180 does not use"
		    : err == MCX_ERR_PARAMS_FORMAT
			? "key parameters not in the Rel-17 protected form"
			: "malformed (a length points outside the message, "
			  "or a payload is missing or out of order)");
		goto out;
	}
	root = json_object_new_object();
	add_uint(root, "length", len);
	mcx_json_add_bool(root, "sdp", sdp);
	payloads = json_object_new_array();
	for (i = 0; i < m.n_payloads; i++)
		json_object_array_add(payloads, payload_json(&m, i, &idr_no));
	json_object_object_add(root, "payloads", payloads);
	if (json) {
		ret = mcx_json_print(root);
		root = NULL;
		goto out;
	}
	print_text(root);
	ret = MCX_EXIT_OK;
out:
	json_object_put(root);
	free(msg);
	return ret;
}
