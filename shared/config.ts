// Configuration from the environment, read once at cold start. A required setting that is
// missing fails the function at start-up with its name, never later with a silent default.
import { ConfigurationError } from './errors.ts';

export function requiredEnv(name: string): string {
  const value = process.env[name];
  if (value === undefined || value.trim() === '') {
    throw new ConfigurationError(`environment variable ${name} is required but not set`);
  }
  return value;
}

/** A setting whose absence has a meaning of its own (e.g. no DRS_ENDPOINT: talk to AWS). */
export function optionalEnv(name: string): string | undefined {
  const value = process.env[name];
  return value === undefined || value.trim() === '' ? undefined : value;
}
