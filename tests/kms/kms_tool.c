/*
 * Helper of the `kms` admin tests (the tests/kms scripts): what the shell
 * cannot do by itself.
 *
 *   kms_tool sign-xml KEYHEX KEYNAME IN OUT
 *       wrap the KmsResponse of IN into a SignedKmsResponse (MCX-REFERENCE
 *       §6.1, D.1: HMAC-SHA-256 over the exclusive-c14n SignedInfo, whose
 *       Reference digests the KmsResponse), the way a KMS signs with its InK
 *   kms_tool use TOKEN USER_URI
 *       through $MCXHSM_MODULE, logged in with $MCXHSM_PIN: every private
 *       CKK_MCX_ECCSI key of USER_URI signs (CKM_MCX_ECCSI) and the
 *       signature verifies against its KMS's KPAK with its UID (a changed
 *       message does not); every private CKK_MCX_SAKKE key of USER_URI
 *       unwraps what CKM_MCX_SAKKE wrapped to its UID with its KMS's Z_T
 *       (same check value).  Prints "ok N" (N key pairs) or fails.
 *
 * Exit 0 ok, 1 failure (one message), 2 usage.
 */
#include "config.h"

#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/c14n.h>
#include <libxml/parser.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>
#include <mcxhsm/pkcs11-mcx.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#define DS  "http://www.w3.org/2000/09/xmldsig#"
#define NS  "urn:3gpp:ns:mcsecKMSInterface:1.0"
#define EXC "http://www.w3.org/2001/10/xml-exc-c14n#"

static int fail(const char *what)
{
	fprintf(stderr, "kms_tool: %s\n", what);
	return 1;
}

/* ---- sign-xml ----------------------------------------------------------- */

static xmlChar *c14n(xmlDoc *d, const char *what)
{
	xmlXPathContext *ctx = xmlXPathNewContext(d);
	xmlXPathObject *o = NULL;
	xmlChar *out = NULL;
	char q[256];

	xmlXPathRegisterNs(ctx, (const xmlChar *)"k", (const xmlChar *)NS);
	xmlXPathRegisterNs(ctx, (const xmlChar *)"ds", (const xmlChar *)DS);
	snprintf(q, sizeof(q),
		 "(//. | //@* | //namespace::*)[ancestor-or-self::%s]", what);
	o = xmlXPathEvalExpression((const xmlChar *)q, ctx);
	if (o == NULL ||
	    xmlC14NDocDumpMemory(d, o->nodesetval, XML_C14N_EXCLUSIVE_1_0, NULL,
				 0, &out) < 0)
		out = NULL;
	xmlXPathFreeObject(o);
	xmlXPathFreeContext(ctx);
	return out;
}

static int set_text(xmlDoc *d, const char *xpath, const unsigned char *v,
		    size_t len)
{
	xmlXPathContext *ctx = xmlXPathNewContext(d);
	xmlXPathObject *o = NULL;
	char b64[64];
	int ok = 0;

	EVP_EncodeBlock((unsigned char *)b64, v, (int)len);
	xmlXPathRegisterNs(ctx, (const xmlChar *)"ds", (const xmlChar *)DS);
	o = xmlXPathEvalExpression((const xmlChar *)xpath, ctx);
	if (o != NULL && o->nodesetval != NULL && o->nodesetval->nodeNr == 1) {
		xmlNodeSetContent(o->nodesetval->nodeTab[0],
				  (const xmlChar *)b64);
		ok = 1;
	}
	xmlXPathFreeObject(o);
	xmlXPathFreeContext(ctx);
	return ok;
}

static int sign_xml(const char *keyhex, const char *name, const char *in,
		    const char *out)
{
	unsigned char key[64], md[32];
	unsigned int ml = 32;
	long key_len = 0;
	xmlDoc *src = NULL, *d = NULL;
	xmlChar *inner = NULL, *c = NULL, *res = NULL;
	int inner_len = 0, res_len = 0, ret = 1;
	char *doc = NULL;
	size_t doc_len = 0;
	FILE *fp = NULL;
	unsigned char *k = OPENSSL_hexstr2buf(keyhex, &key_len);

	if (k == NULL || key_len <= 0 || key_len > 64)
		return fail("bad key hex");
	memcpy(key, k, (size_t)key_len);
	OPENSSL_free(k);
	src = xmlReadFile(in, NULL, XML_PARSE_NONET);
	if (src == NULL)
		return fail("cannot parse IN");
	xmlDocDumpMemory(src, &inner, &inner_len);
	/* the KmsResponse element, without the XML declaration */
	const char *start = strstr((const char *)inner, "<KmsResponse");
	if (start == NULL)
		goto out;
	doc_len = strlen(start) + strlen(name) + 2048;
	doc = malloc(doc_len);
	if (doc == NULL)
		goto out;
	snprintf(doc, doc_len,
		 "<SignedKmsResponse xmlns=\"" NS "\">%s"
		 "<ds:Signature xmlns:ds=\"" DS "\"><ds:SignedInfo>"
		 "<ds:CanonicalizationMethod Algorithm=\"" EXC "\"/>"
		 "<ds:SignatureMethod Algorithm=\"http://www.w3.org/2001/04/"
		 "xmldsig-more#hmac-sha256\"/><ds:Reference URI=\"#xmldoc\">"
		 "<ds:Transforms><ds:Transform Algorithm=\"" EXC
		 "\"/></ds:Transforms>"
		 "<ds:DigestMethod Algorithm=\"http://www.w3.org/2001/04/"
		 "xmlenc#sha256\"/><ds:DigestValue>x</ds:DigestValue>"
		 "</ds:Reference></ds:SignedInfo><ds:SignatureValue>x"
		 "</ds:SignatureValue><ds:KeyInfo><ds:KeyName>%s</ds:KeyName>"
		 "</ds:KeyInfo></ds:Signature></SignedKmsResponse>",
		 start, name);
	d = xmlReadMemory(doc, (int)strlen(doc), NULL, NULL, XML_PARSE_NONET);
	if (d == NULL)
		goto out;
	c = c14n(d, "k:KmsResponse");
	if (c == NULL ||
	    !EVP_Digest(c, strlen((char *)c), md, &ml, EVP_sha256(), NULL) ||
	    !set_text(d, "//ds:DigestValue", md, 32))
		goto out;
	xmlFree(c);
	c = c14n(d, "ds:SignedInfo");
	if (c == NULL ||
	    HMAC(EVP_sha256(), key, (int)key_len, c, strlen((char *)c), md,
		 &ml) == NULL ||
	    !set_text(d, "//ds:SignatureValue", md, 32))
		goto out;
	xmlDocDumpMemory(d, &res, &res_len);
	fp = fopen(out, "w");
	if (fp == NULL ||
	    fwrite(res, 1, (size_t)res_len, fp) != (size_t)res_len)
		goto out;
	ret = 0;
out:
	if (fp != NULL && fclose(fp) != 0)
		ret = 1;
	xmlFree(res);
	xmlFree(c);
	xmlFree(inner);
	free(doc);
	xmlFreeDoc(d);
	xmlFreeDoc(src);
	return ret == 0 ? 0 : fail("signing failed");
}

/* ---- use ---------------------------------------------------------------- */

static CK_FUNCTION_LIST_PTR F;
static CK_SESSION_HANDLE S;

static int p11_open(const char *token)
{
	const char *module = getenv("MCXHSM_MODULE");
	const char *pin = getenv("MCXHSM_PIN");
	CK_C_GetFunctionList gfl = NULL;
	CK_SLOT_ID slots[32];
	CK_ULONG n = 32;
	CK_TOKEN_INFO ti;
	void *dl = NULL;

	if (module == NULL || pin == NULL)
		return fail("MCXHSM_MODULE and MCXHSM_PIN needed");
	dl = dlopen(module, RTLD_NOW);
	if (dl == NULL)
		return fail(dlerror());
	*(void **)&gfl = dlsym(dl, "C_GetFunctionList");
	if (gfl == NULL || gfl(&F) != CKR_OK ||
	    F->C_Initialize(NULL) != CKR_OK ||
	    F->C_GetSlotList(CK_TRUE, slots, &n) != CKR_OK)
		return fail("module");
	for (CK_ULONG i = 0; i < n; i++) {
		size_t l = strlen(token);

		if (F->C_GetTokenInfo(slots[i], &ti) != CKR_OK ||
		    l > sizeof(ti.label) || memcmp(ti.label, token, l) != 0 ||
		    (l < sizeof(ti.label) && ti.label[l] != ' '))
			continue;
		if (F->C_OpenSession(slots[i],
				     CKF_SERIAL_SESSION | CKF_RW_SESSION, NULL,
				     NULL, &S) != CKR_OK ||
		    F->C_Login(S, CKU_USER, (CK_UTF8CHAR_PTR)pin,
			       strlen(pin)) != CKR_OK)
			return fail("open/login");
		return 0;
	}
	return fail("no such token");
}

static CK_ULONG find(CK_ATTRIBUTE *t, CK_ULONG n, CK_OBJECT_HANDLE *h,
		     CK_ULONG max)
{
	CK_ULONG got = 0;

	if (F->C_FindObjectsInit(S, t, n) != CKR_OK)
		return 0;
	if (F->C_FindObjects(S, h, max, &got) != CKR_OK)
		got = 0;
	F->C_FindObjectsFinal(S);
	return got;
}

/* A value attribute of obj into buf (cap octets); its length or 0. */
static CK_ULONG attr(CK_OBJECT_HANDLE obj, CK_ATTRIBUTE_TYPE type, void *buf,
		     CK_ULONG cap)
{
	CK_ATTRIBUTE a = {type, buf, cap};

	return F->C_GetAttributeValue(S, obj, &a, 1) == CKR_OK ? a.ulValueLen
							       : 0;
}

static CK_OBJECT_HANDLE kms_public(CK_KEY_TYPE kt, const char *kms,
				   CK_ULONG kms_len)
{
	CK_OBJECT_CLASS cls = CKO_PUBLIC_KEY;
	CK_ATTRIBUTE t[] = {{CKA_CLASS, &cls, sizeof(cls)},
			    {CKA_KEY_TYPE, &kt, sizeof(kt)},
			    {CKA_MCX_KMS_URI, (void *)kms, kms_len}};
	CK_OBJECT_HANDLE h = CK_INVALID_HANDLE;

	return find(t, 3, &h, 1) == 1 ? h : CK_INVALID_HANDLE;
}

static int use_eccsi(CK_OBJECT_HANDLE key)
{
	CK_BYTE msg[] = "MIKEY I_MESSAGE stand-in", sig[256], uid[64];
	char kms[256];
	CK_ULONG sig_len = sizeof(sig), uid_len = 0, kms_len = 0;
	CK_MECHANISM sm = {CKM_MCX_ECCSI, NULL, 0};
	CK_MCX_ECCSI_PARAMS p;
	CK_MECHANISM vm = {CKM_MCX_ECCSI, &p, sizeof(p)};
	CK_OBJECT_HANDLE kpak = CK_INVALID_HANDLE;

	uid_len = attr(key, CKA_MCX_UID, uid, sizeof(uid));
	kms_len = attr(key, CKA_MCX_KMS_URI, kms, sizeof(kms));
	kpak = kms_public(CKK_MCX_ECCSI, kms, kms_len);
	if (uid_len == 0 || kpak == CK_INVALID_HANDLE)
		return fail("ECCSI key without UID or KPAK");
	if (F->C_SignInit(S, &sm, key) != CKR_OK ||
	    F->C_Sign(S, msg, sizeof(msg), sig, &sig_len) != CKR_OK)
		return fail("C_Sign with the imported SSK");
	p.pSignerId = uid;
	p.ulSignerIdLen = uid_len;
	if (F->C_VerifyInit(S, &vm, kpak) != CKR_OK ||
	    F->C_Verify(S, msg, sizeof(msg), sig, sig_len) != CKR_OK)
		return fail("the signature does not verify against the KPAK");
	msg[0] ^= 1;
	if (F->C_VerifyInit(S, &vm, kpak) != CKR_OK ||
	    F->C_Verify(S, msg, sizeof(msg), sig, sig_len) == CKR_OK)
		return fail("a changed message verifies");
	return 0;
}

static int use_sakke(CK_OBJECT_HANDLE rsk)
{
	CK_BYTE uid[64], sed[512], cv1[3], cv2[3];
	char kms[256];
	CK_ULONG uid_len = 0, kms_len = 0, sed_len = sizeof(sed);
	CK_ULONG purpose = CKP_MCX_GMK;
	CK_BBOOL no = CK_FALSE, yes = CK_TRUE;
	CK_ATTRIBUTE t[] = {{CKA_MCX_KEY_PURPOSE, &purpose, sizeof(purpose)},
			    {CKA_TOKEN, &no, sizeof(no)},
			    {CKA_EXTRACTABLE, &yes, sizeof(yes)}};
	CK_MECHANISM gen = {CKM_MCX_KEY_GEN, NULL, 0};
	CK_MCX_SAKKE_PARAMS p;
	CK_MECHANISM wm = {CKM_MCX_SAKKE, &p, sizeof(p)};
	CK_MECHANISM um = {CKM_MCX_SAKKE, NULL, 0};
	CK_OBJECT_HANDLE z = CK_INVALID_HANDLE, k = CK_INVALID_HANDLE,
			 k2 = CK_INVALID_HANDLE;
	CK_RV rv = CKR_OK;

	uid_len = attr(rsk, CKA_MCX_UID, uid, sizeof(uid));
	kms_len = attr(rsk, CKA_MCX_KMS_URI, kms, sizeof(kms));
	z = kms_public(CKK_MCX_SAKKE, kms, kms_len);
	if (uid_len == 0 || z == CK_INVALID_HANDLE)
		return fail("SAKKE key without UID or Z_T");
	if (F->C_GenerateKey(S, &gen, t, 3, &k) != CKR_OK)
		return fail("CKM_MCX_KEY_GEN");
	p.pIdentifier = uid;
	p.ulIdentifierLen = uid_len;
	rv = F->C_WrapKey(S, &wm, z, k, sed, &sed_len);
	if (rv != CKR_OK)
		return fail("CKM_MCX_SAKKE wrap to the imported identity");
	if (F->C_UnwrapKey(S, &um, rsk, sed, sed_len, t, 2, &k2) != CKR_OK)
		return fail("CKM_MCX_SAKKE unwrap with the imported RSK");
	if (attr(k, CKA_CHECK_VALUE, cv1, 3) != 3 ||
	    attr(k2, CKA_CHECK_VALUE, cv2, 3) != 3 || memcmp(cv1, cv2, 3) != 0)
		return fail("the unwrapped key differs");
	F->C_DestroyObject(S, k);
	F->C_DestroyObject(S, k2);
	return 0;
}

static int use(const char *token, const char *user)
{
	CK_OBJECT_CLASS cls = CKO_PRIVATE_KEY;
	CK_KEY_TYPE kt = CKK_MCX_ECCSI;
	CK_ATTRIBUTE t[] = {{CKA_CLASS, &cls, sizeof(cls)},
			    {CKA_KEY_TYPE, &kt, sizeof(kt)},
			    {CKA_MCX_USER_URI, (void *)user, strlen(user)}};
	CK_OBJECT_HANDLE h[64];
	CK_ULONG n = 0, m = 0;

	if (p11_open(token) != 0)
		return 1;
	n = find(t, 3, h, 64);
	for (CK_ULONG i = 0; i < n; i++)
		if (use_eccsi(h[i]) != 0)
			return 1;
	kt = CKK_MCX_SAKKE;
	m = find(t, 3, h, 64);
	for (CK_ULONG i = 0; i < m; i++)
		if (use_sakke(h[i]) != 0)
			return 1;
	if (n == 0 || m != n)
		return fail("no key pairs for that user");
	printf("ok %lu\n", (unsigned long)n);
	F->C_Logout(S);
	F->C_CloseSession(S);
	F->C_Finalize(NULL);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 6 && strcmp(argv[1], "sign-xml") == 0)
		return sign_xml(argv[2], argv[3], argv[4], argv[5]);
	if (argc == 4 && strcmp(argv[1], "use") == 0)
		return use(argv[2], argv[3]);
	fprintf(stderr, "usage: kms_tool sign-xml KEYHEX KEYNAME IN OUT\n"
			"       kms_tool use TOKEN USER_URI\n");
	return 2;
}
