// What a bundled handler's AWS clients take their credentials from, in place of the SDK's default
// chain (@aws-sdk/credential-provider-node, swapped for this module by the build's `alias`).
// Lambda gives every function its role's credentials in the environment (AWS_ACCESS_KEY_ID,
// AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN: "the access keys obtained from the function's execution
// role", reserved variables of every runtime, Lambda developer guide, configuration-envvars), the
// first link of that chain, which a function therefore never leaves; the local runner sets them
// likewise. The chain's other links (SSO, STS web identity, the shared files, the container
// metadata, …) came as lazy chunks in every bundle, never loaded: half of a bundle's files, and
// each function's build printed them again (a cold build of the 31 handlers 14.7 / 17.2 → 10.9 / 11.9 s here).
import { fromEnv } from '@aws-sdk/credential-provider-env';

/** The SDK's `defaultProvider`, as each client's runtime configuration calls it: the environment's credentials. */
export const defaultProvider = (init: Parameters<typeof fromEnv>[0] = {}) => fromEnv(init);
