// Routes an HTTP request to a DRS operation from the model's `http` traits (method + requestUri)
// and gathers the operation input from the URI labels, the query string and the JSON body.
import { drsModel, shapeOf, type Operation } from './model.ts';
import { validationError, type DrsError } from './errors.ts';

interface Route {
  operation: Operation;
  method: string;
  /** Literal path segments, or `{label}` for a URI label. */
  segments: string[];
}

const routes: Route[] = Object.values(drsModel.operations).map((operation) => ({
  operation,
  method: operation.http.method.toUpperCase(),
  segments: operation.http.requestUri.split('?')[0]!.split('/').filter(Boolean),
}));

export interface RoutedRequest {
  operation: Operation;
  /** Members bound from the URI and the query string, keyed by member name. */
  boundMembers: Record<string, unknown>;
}

function matchSegments(route: Route, pathSegments: string[]): Record<string, string> | undefined {
  const labels: Record<string, string> = {};
  for (let i = 0; i < route.segments.length; i++) {
    const expected = route.segments[i]!;
    const isLast = i === route.segments.length - 1;
    if (expected.startsWith('{')) {
      // A label in last position takes the rest of the path: some clients leave '/' unencoded
      // in an ARN.
      const raw = isLast ? pathSegments.slice(i).join('/') : pathSegments[i];
      if (raw === undefined || raw === '') return undefined;
      try {
        labels[expected.replace(/[{}+]/g, '')] = decodeURIComponent(raw);
      } catch {
        return undefined;
      }
      if (isLast) return labels;
    } else if (pathSegments[i] !== expected) {
      return undefined;
    }
  }
  return pathSegments.length === route.segments.length ? labels : undefined;
}

/** Converts a query-string value to the member's shape type (the model says which members). */
function fromQuery(shapeName: string, values: string[]): unknown {
  const shape = shapeOf(shapeName);
  if (shape.type === 'list') return values;
  const value = values[values.length - 1]!;
  if ((shape.type === 'integer' || shape.type === 'long') && /^-?\d+$/.test(value)) return Number(value);
  if (shape.type === 'boolean' && (value === 'true' || value === 'false')) return value === 'true';
  return value;
}

/** Finds the operation for a request, or the ValidationException (unknownOperation) to send. */
export function routeRequest(method: string, url: URL): RoutedRequest | DrsError {
  const pathSegments = url.pathname.split('/').filter(Boolean);
  let pathMatchedOtherMethod = false;
  for (const route of routes) {
    const labels = matchSegments(route, pathSegments);
    if (!labels) continue;
    if (route.method !== method.toUpperCase()) {
      pathMatchedOtherMethod = true;
      continue;
    }
    const boundMembers: Record<string, unknown> = {};
    const inputShape = route.operation.input ? shapeOf(route.operation.input.shape) : undefined;
    for (const [member, ref] of Object.entries(inputShape?.members ?? {})) {
      if (ref.location === 'uri') boundMembers[member] = labels[ref.locationName ?? member];
      if (ref.location === 'querystring') {
        const values = url.searchParams.getAll(ref.locationName ?? member);
        if (values.length > 0) boundMembers[member] = fromQuery(ref.shape, values);
      }
    }
    return { operation: route.operation, boundMembers };
  }
  return validationError(
    pathMatchedOtherMethod
      ? `${method} is not supported on ${url.pathname}`
      : `Unknown operation: ${method} ${url.pathname}`,
    'unknownOperation',
  );
}

/** True when the operation takes its input from a JSON body (POST operations with body members). */
export function operationHasBody(operation: Operation): boolean {
  if (!operation.input) return false;
  const members = shapeOf(operation.input.shape).members ?? {};
  return Object.values(members).some((ref) => ref.location === undefined);
}
