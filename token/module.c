/* Bootstrap placeholder while the token core is being written; replaced by
 * the real entry points. */
#include <mcxhsm/pkcs11.h>

CK_RV C_GetFunctionList(CK_FUNCTION_LIST_PTR_PTR ppFunctionList);
CK_RV C_GetFunctionList(CK_FUNCTION_LIST_PTR_PTR ppFunctionList)
{
	(void)ppFunctionList;
	return CKR_FUNCTION_NOT_SUPPORTED;
}
