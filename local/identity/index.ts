// The local IAM world the local services share in-process: declare it (schema), hold it and mint
// role sessions (store), and tell who signed a request (sigv4). The local STS service mints;
// every other local service only authenticates: `store.authenticate(signedRequestOf(req, body),
// { service })` gives the caller's account and ARN and the Region of the credential scope.
export { IdentityStore, type CallerIdentity, type StoredCredentials, type StoredRole, type TrustDecision, type IdentityStoreOptions } from './store.ts';
export { identitySchema, parseIdentity, loadIdentity, IdentityError, type Identity, type ParsedIdentity, type IdentityAccount, type DeclaredPrincipal, type DeclaredRole } from './schema.ts';
export {
  parseAuthorizationHeader,
  verifySignedRequest,
  signedRequestOf,
  canonicalRequestOf,
  signatureOf,
  MAX_CLOCK_SKEW_MS,
  jsonAuthErrorCodes,
  type SignedRequest,
  type SigV4Authorization,
  type AuthResult,
  type AuthErrorCode,
  type VerifyOptions,
} from './sigv4.ts';
export { parseIamArn, accountRootArn, assumedRoleArn, type IamArn, type PrincipalKind } from './arn.ts';
export {
  defaultIdentity,
  defaultCredentials,
  defaultUserCredentials,
  DEFAULT_ACCOUNT_ID,
  DEFAULT_STAGING_ACCOUNT_ID,
  DEFAULT_FUNCTION_ROLE_ARN,
  DEFAULT_STAGING_ROLE_ARN,
} from './defaults.ts';
