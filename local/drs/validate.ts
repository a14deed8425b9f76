// Generic input validation from the model's constraints (required, type, length/range, pattern,
// enum). The JS client validates nothing client-side, so the service must: the result is the
// ValidationException DRS sends, reason `fieldValidationFailed` with one fieldList entry per
// violated constraint.
import { shapeOf, type Shape } from './model.ts';
import { validationError, type DrsError, type ValidationField } from './errors.ts';

const MAX_REPORTED_FIELDS = 20;

function describe(value: unknown): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return text.length > 64 ? `${text.slice(0, 61)}...` : text;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const patternCache = new Map<string, RegExp>();
function patternOf(source: string): RegExp | undefined {
  if (!patternCache.has(source)) {
    try {
      // Smithy patterns are not implicitly anchored; the length constraints bound the match.
      patternCache.set(source, new RegExp(source, 'u'));
    } catch {
      return undefined;
    }
  }
  return patternCache.get(source);
}

function walk(shapeName: string, value: unknown, path: string, fields: ValidationField[]): void {
  if (fields.length >= MAX_REPORTED_FIELDS || value === null || value === undefined) return;
  const shape: Shape = shapeOf(shapeName);
  const fail = (constraint: string) =>
    fields.push({ name: path, message: `Value '${describe(value)}' at '${path}' failed to satisfy constraint: ${constraint}` });

  switch (shape.type) {
    case 'structure': {
      if (!isPlainObject(value)) return void fail('Member must be a structure');
      for (const required of shape.required ?? []) {
        if (value[required] === undefined || value[required] === null) {
          const name = path ? `${path}.${required}` : required;
          fields.push({ name, message: `Value null at '${name}' failed to satisfy constraint: Member must not be null` });
        }
      }
      for (const [member, ref] of Object.entries(shape.members ?? {})) {
        walk(ref.shape, value[member], path ? `${path}.${member}` : member, fields);
      }
      return;
    }
    case 'string': {
      if (typeof value !== 'string') return void fail('Member must be a string');
      if (shape.min !== undefined && value.length < shape.min) fail(`Member must have length greater than or equal to ${shape.min}`);
      else if (shape.max !== undefined && value.length > shape.max) fail(`Member must have length less than or equal to ${shape.max}`);
      else if (shape.enum && !shape.enum.includes(value)) fail(`Member must satisfy enum value set: [${shape.enum.join(', ')}]`);
      else if (shape.pattern && !patternOf(shape.pattern)?.test(value)) fail(`Member must satisfy regular expression pattern: ${shape.pattern}`);
      return;
    }
    case 'integer':
    case 'long': {
      if (typeof value !== 'number' || !Number.isInteger(value)) return void fail('Member must be an integer');
      if (shape.min !== undefined && value < shape.min) fail(`Member must have value greater than or equal to ${shape.min}`);
      else if (shape.max !== undefined && value > shape.max) fail(`Member must have value less than or equal to ${shape.max}`);
      return;
    }
    case 'double':
    case 'float':
      if (typeof value !== 'number') fail('Member must be a number');
      return;
    case 'boolean':
      if (typeof value !== 'boolean') fail('Member must be a boolean');
      return;
    case 'timestamp':
      if (typeof value !== 'string' && typeof value !== 'number') fail('Member must be a timestamp');
      return;
    case 'list': {
      if (!Array.isArray(value)) return void fail('Member must be a list');
      if (shape.min !== undefined && value.length < shape.min) fail(`Member must have length greater than or equal to ${shape.min}`);
      else if (shape.max !== undefined && value.length > shape.max) fail(`Member must have length less than or equal to ${shape.max}`);
      value.forEach((item, index) => walk(shape.member!.shape, item, `${path}[${index}]`, fields));
      return;
    }
    case 'map': {
      if (!isPlainObject(value)) return void fail('Member must be a map');
      const entries = Object.entries(value);
      if (shape.min !== undefined && entries.length < shape.min) fail(`Member must have length greater than or equal to ${shape.min}`);
      else if (shape.max !== undefined && entries.length > shape.max) fail(`Member must have length less than or equal to ${shape.max}`);
      for (const [key, item] of entries) {
        walk(shape.key!.shape, key, `${path}.key`, fields);
        walk(shape.value!.shape, item, `${path}[${key}]`, fields);
      }
      return;
    }
    default:
      return;
  }
}

/** Validates `input` against the input shape; returns the ValidationException to send, if any. */
export function validateInput(inputShape: string | undefined, input: Record<string, unknown>): DrsError | undefined {
  if (!inputShape) return undefined;
  const fields: ValidationField[] = [];
  walk(inputShape, input, '', fields);
  if (fields.length === 0) return undefined;
  const count = fields.length === 1 ? '1 validation error detected' : `${fields.length} validation errors detected`;
  return validationError(`${count}: ${fields.map((f) => f.message).join('; ')}`, 'fieldValidationFailed', fields);
}
