/*
 * Strict parser of MIKEY-SAKKE I_MESSAGEs (RFC 3830 §6, RFC 6043 §6,
 * RFC 6509 §4, TS 33.180 E.1; layouts of MCX-REFERENCE §4.3).  Every
 * length is checked against the octets that remain before it is used, so a
 * length pointing outside the message is MCX_ERR_ENCODING and never a read
 * past the end.  The output points into the input.
 */
#include <string.h>

#include "mechanisms/mikey.h"

/* A bounded reader over the message. */
struct rd {
	const uint8_t *p;
	size_t len;
	size_t off;
};

static int need(const struct rd *r, size_t n)
{
	return n <= r->len - r->off;
}

static uint64_t be(const uint8_t *p, size_t n)
{
	uint64_t v = 0;

	for (size_t i = 0; i < n; i++)
		v = v << 8 | p[i];
	return v;
}

int mcx_mikey_purpose_diversified(uint32_t csb_id)
{
	uint32_t tag = csb_id >> 28;

	return tag == MCX_MIKEY_PURPOSE_GMK || tag == MCX_MIKEY_PURPOSE_MKFC;
}

const struct mcx_mikey_idr *mcx_mikey_find_idr(const struct mcx_mikey_msg *m,
					       uint8_t role)
{
	if (m == NULL)
		return NULL;
	for (size_t i = 0; i < m->n_idr; i++)
		if (m->idr[i].role == role)
			return &m->idr[i];
	return NULL;
}

static enum mcx_mech_err add_pos(struct mcx_mikey_msg *m, uint8_t type,
				 size_t off, size_t len)
{
	if (m->n_payloads >= MCX_MIKEY_MAX_PAYLOADS)
		return MCX_ERR_ENCODING;
	m->pos[m->n_payloads].type = type;
	m->pos[m->n_payloads].offset = off;
	m->pos[m->n_payloads].len = len;
	m->n_payloads++;
	return MCX_OK;
}

/* HDR (RFC 3830 §6.1, RFC 6043 §6.1 for the GENERIC-ID map). */
static enum mcx_mech_err parse_hdr(struct rd *r, struct mcx_mikey_msg *m,
				   uint8_t *next)
{
	const uint8_t *h = r->p;

	if (!need(r, 10))
		return MCX_ERR_ENCODING;
	m->version = h[0];
	m->data_type = h[1];
	*next = h[2];
	m->v = h[3] >> 7;
	m->prf = h[3] & 0x7F;
	m->csb_id = (uint32_t)be(h + 4, 4);
	m->n_cs = h[8];
	m->map_type = h[9];
	r->off = 10;
	if (m->version != MCX_MIKEY_VERSION ||
	    m->data_type != MCX_MIKEY_DATA_TYPE_SAKKE ||
	    m->prf != MCX_MIKEY_PRF_HMAC_SHA256)
		return MCX_ERR_UNSUPPORTED;
	/* An I_MESSAGE of MIKEY-SAKKE asks for no verification message
	 * (TS 33.180 E.1.2: V bit 0). */
	if (m->v != 0)
		return MCX_ERR_UNSUPPORTED;
	if (m->n_cs > MCX_MIKEY_MAX_CS)
		return MCX_ERR_UNSUPPORTED;
	switch (m->map_type) {
	case MCX_MIKEY_MAP_SRTP_ID:
		for (size_t i = 0; i < m->n_cs; i++) {
			const uint8_t *c = r->p + r->off;
			if (!need(r, 9))
				return MCX_ERR_ENCODING;
			m->cs[i].policy_no = c[0];
			m->cs[i].ssrc = (uint32_t)be(c + 1, 4);
			m->cs[i].roc = (uint32_t)be(c + 5, 4);
			r->off += 9;
		}
		break;
	case MCX_MIKEY_MAP_EMPTY:
		break;
	case MCX_MIKEY_MAP_GENERIC_ID:
		for (size_t i = 0; i < m->n_cs; i++) {
			struct mcx_mikey_cs *cs = &m->cs[i];
			const uint8_t *c = r->p + r->off;
			if (!need(r, 3))
				return MCX_ERR_ENCODING;
			cs->cs_id = c[0];
			cs->prot_type = c[1];
			cs->s = c[2] >> 7;
			cs->n_policies = c[2] & 0x7F;
			r->off += 3;
			if (!need(r, (size_t)cs->n_policies + 2))
				return MCX_ERR_ENCODING;
			cs->policies = r->p + r->off;
			r->off += cs->n_policies;
			cs->session_data_len = (size_t)be(r->p + r->off, 2);
			r->off += 2;
			if (!need(r, cs->session_data_len + 1))
				return MCX_ERR_ENCODING;
			cs->session_data = r->p + r->off;
			r->off += cs->session_data_len;
			cs->spi_len = r->p[r->off];
			r->off += 1;
			if (!need(r, cs->spi_len))
				return MCX_ERR_ENCODING;
			cs->spi = r->p + r->off;
			r->off += cs->spi_len;
		}
		break;
	default:
		return MCX_ERR_UNSUPPORTED;
	}
	return add_pos(m, MCX_MIKEY_PT_HDR, 0, r->off);
}

/* A SAKKE payload body after its next-payload octet (RFC 6509 §4.2):
 * params | ID scheme | data length (16) | data. */
static enum mcx_mech_err parse_sakke(struct rd *r,
				     struct mcx_mikey_sakke_payload *s)
{
	const uint8_t *p = r->p + r->off;

	if (!need(r, 4))
		return MCX_ERR_ENCODING;
	s->params = p[0];
	s->id_scheme = p[1];
	s->sed_len = (size_t)be(p + 2, 2);
	r->off += 4;
	if (!need(r, s->sed_len))
		return MCX_ERR_ENCODING;
	s->sed = r->p + r->off;
	r->off += s->sed_len;
	if (s->params != MCX_MIKEY_SAKKE_PARAMS_SET1 ||
	    s->id_scheme != MCX_MIKEY_SAKKE_SCHEME_UID)
		return MCX_ERR_UNSUPPORTED;
	/* 273 octets, or the 272-octet form with a 15-octet H (decision a). */
	if (s->sed_len != MCX_SAKKE_SED_LEN &&
	    s->sed_len != MCX_SAKKE_SED_SHORT_LEN)
		return MCX_ERR_UNSUPPORTED;
	return MCX_OK;
}

/* Where a payload may appear: HDR, T, RAND, IDR*, SP?, SAKKE, GE*, SIGN. */
enum stage { ST_T, ST_RAND, ST_IDR, ST_SAKKE, ST_GE };

enum mcx_mech_err mcx_mikey_decode(const uint8_t *msg, size_t len,
				   struct mcx_mikey_msg *out)
{
	struct rd r = {msg, len, 0};
	enum stage st = ST_T;
	enum mcx_mech_err err = MCX_OK;
	uint8_t next = 0;

	if (msg == NULL || out == NULL)
		return MCX_ERR_ARGUMENT;
	memset(out, 0, sizeof(*out));
	out->msg = msg;
	out->msg_len = len;
	err = parse_hdr(&r, out, &next);
	if (err != MCX_OK)
		goto out;
	for (;;) {
		size_t start = r.off;
		uint8_t type = next;
		const uint8_t *p = msg + r.off;

		if (type == MCX_MIKEY_PT_SIGN) {
			/* SIGN: S type (4 bits) | length (12 bits) | sig;
			 * it has no next-payload field and must be last. */
			if (st != ST_GE) { /* SAKKE not yet seen */
				err = MCX_ERR_ENCODING;
				goto out;
			}
			if (!need(&r, 2)) {
				err = MCX_ERR_ENCODING;
				goto out;
			}
			out->sign_type = p[0] >> 4;
			out->sig_len = (size_t)(be(p, 2) & 0x0FFF);
			r.off += 2;
			out->signed_len = r.off;
			if (!need(&r, out->sig_len)) {
				err = MCX_ERR_ENCODING;
				goto out;
			}
			out->sig = msg + r.off;
			r.off += out->sig_len;
			if (r.off != len) {
				err = MCX_ERR_ENCODING;
				goto out;
			}
			if (out->sign_type != MCX_MIKEY_SIGN_ECCSI ||
			    out->sig_len != MCX_ECCSI_SIG_LEN) {
				err = MCX_ERR_UNSUPPORTED;
				goto out;
			}
			err = add_pos(out, type, start, r.off - start);
			goto out;
		}
		if (type == MCX_MIKEY_PT_LAST) {
			/* The chain ended without a SIGN (E.1.2). */
			err = MCX_ERR_ENCODING;
			goto out;
		}
		if (!need(&r, 1)) {
			err = MCX_ERR_ENCODING;
			goto out;
		}
		next = p[0];
		r.off += 1;
		switch (type) {
		case MCX_MIKEY_PT_T:
			if (st != ST_T || !need(&r, 1)) {
				err = MCX_ERR_ENCODING;
				goto out;
			}
			out->ts_type = p[1];
			r.off += 1;
			if (out->ts_type != MCX_MIKEY_TS_NTP_UTC) {
				err = MCX_ERR_UNSUPPORTED;
				goto out;
			}
			if (!need(&r, 8)) {
				err = MCX_ERR_ENCODING;
				goto out;
			}
			out->ts = be(p + 2, 8);
			r.off += 8;
			st = ST_RAND;
			break;
		case MCX_MIKEY_PT_RAND:
			if (st != ST_RAND || !need(&r, 1)) {
				err = MCX_ERR_ENCODING;
				goto out;
			}
			out->rand_len = p[1];
			r.off += 1;
			/* RFC 3830 §6.11: at least 128 bits. */
			if (out->rand_len < MCX_MIKEY_RAND_LEN ||
			    !need(&r, out->rand_len)) {
				err = MCX_ERR_ENCODING;
				goto out;
			}
			out->rand = p + 2;
			r.off += out->rand_len;
			st = ST_IDR;
			break;
		case MCX_MIKEY_PT_IDR: {
			struct mcx_mikey_idr *id = NULL;
			if (st != ST_IDR || !need(&r, 4) ||
			    out->n_idr >= MCX_MIKEY_MAX_IDR) {
				err = MCX_ERR_ENCODING;
				goto out;
			}
			id = &out->idr[out->n_idr];
			id->role = p[1];
			id->type = p[2];
			id->id_len = (size_t)be(p + 3, 2);
			r.off += 4;
			if (!need(&r, id->id_len) || id->id_len == 0) {
				err = MCX_ERR_ENCODING;
				goto out;
			}
			id->id = p + 5;
			r.off += id->id_len;
			if ((id->role < MCX_MIKEY_ROLE_I ||
			     id->role > MCX_MIKEY_ROLE_UIDR) ||
			    (id->role > MCX_MIKEY_ROLE_R &&
			     id->role < MCX_MIKEY_ROLE_KMSI) ||
			    id->type > MCX_MIKEY_IDTYPE_BYTES) {
				err = MCX_ERR_UNSUPPORTED;
				goto out;
			}
			/* One identity per role. */
			if (mcx_mikey_find_idr(out, id->role) != NULL) {
				err = MCX_ERR_ENCODING;
				goto out;
			}
			out->n_idr++;
			break;
		}
		case MCX_MIKEY_PT_SP:
			if (st != ST_IDR || !need(&r, 4)) {
				err = MCX_ERR_ENCODING;
				goto out;
			}
			out->has_sp = 1;
			out->sp_policy_no = p[1];
			out->sp_prot_type = p[2];
			out->sp_params_len = (size_t)be(p + 3, 2);
			r.off += 4;
			if (!need(&r, out->sp_params_len)) {
				err = MCX_ERR_ENCODING;
				goto out;
			}
			out->sp_params = p + 5;
			r.off += out->sp_params_len;
			/* The parameters are (type | length | value)*. */
			for (size_t o = 0; o < out->sp_params_len;) {
				if (out->sp_params_len - o < 2 ||
				    out->sp_params[o + 1] >
					out->sp_params_len - o - 2) {
					err = MCX_ERR_ENCODING;
					goto out;
				}
				o += 2 + (size_t)out->sp_params[o + 1];
			}
			st = ST_SAKKE;
			break;
		case MCX_MIKEY_PT_SAKKE:
			if (st != ST_IDR && st != ST_SAKKE) {
				err = MCX_ERR_ENCODING;
				goto out;
			}
			err = parse_sakke(&r, &out->sakke);
			if (err != MCX_OK)
				goto out;
			st = ST_GE;
			break;
		case MCX_MIKEY_PT_GE: {
			uint8_t ge_type = 0;
			size_t ge_len = 0;
			if (st != ST_GE || !need(&r, 3)) {
				err = MCX_ERR_ENCODING;
				goto out;
			}
			ge_type = p[1];
			ge_len = (size_t)be(p + 2, 2);
			r.off += 3;
			if (!need(&r, ge_len)) {
				err = MCX_ERR_ENCODING;
				goto out;
			}
			if (ge_type == MCX_MIKEY_GE_SAKKE_TO_SELF) {
				/* E.5: a whole SAKKE payload, its next octet
				 * ignored; it must fill the GE exactly. */
				struct rd sub = {p + 4, ge_len, 0};
				if (out->has_self || out->has_keyparams ||
				    ge_len < 1) {
					err = MCX_ERR_ENCODING;
					goto out;
				}
				sub.off = 1;
				err = parse_sakke(&sub, &out->self);
				if (err != MCX_OK)
					goto out;
				if (sub.off != ge_len) {
					err = MCX_ERR_ENCODING;
					goto out;
				}
				out->has_self = 1;
			} else if (ge_type == MCX_MIKEY_GE_KEY_PARAMS) {
				if (out->has_keyparams) {
					err = MCX_ERR_ENCODING;
					goto out;
				}
				err = mcx_mikey_keyparams_pp_parse(
				    p + 4, ge_len, out->csb_id,
				    &out->keyparams);
				if (err != MCX_OK)
					goto out;
				out->has_keyparams = 1;
			} else {
				err = MCX_ERR_UNSUPPORTED;
				goto out;
			}
			r.off += ge_len;
			break;
		}
		default:
			err = MCX_ERR_UNSUPPORTED;
			goto out;
		}
		err = add_pos(out, type, start, r.off - start);
		if (err != MCX_OK)
			goto out;
	}
out:
	if (err == MCX_OK) {
		/* E.1.2: IDRi, IDRr (or their UID forms), IDRkmsi and IDRkmsr
		 * are mandatory. */
		if ((mcx_mikey_find_idr(out, MCX_MIKEY_ROLE_I) == NULL &&
		     mcx_mikey_find_idr(out, MCX_MIKEY_ROLE_UIDI) == NULL) ||
		    (mcx_mikey_find_idr(out, MCX_MIKEY_ROLE_R) == NULL &&
		     mcx_mikey_find_idr(out, MCX_MIKEY_ROLE_UIDR) == NULL) ||
		    mcx_mikey_find_idr(out, MCX_MIKEY_ROLE_KMSI) == NULL ||
		    mcx_mikey_find_idr(out, MCX_MIKEY_ROLE_KMSR) == NULL)
			err = MCX_ERR_ENCODING;
	}
	if (err != MCX_OK) {
		memset(out, 0, sizeof(*out));
	}
	return err;
}
