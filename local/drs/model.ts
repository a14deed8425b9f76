// The DRS service model (botocore rest-json, 2020-02-26) drives routing and validation, so the
// local service answers exactly what the real one declares instead of hand-written checks.
import { readFileSync } from 'node:fs';

export interface ShapeRef {
  shape: string;
  location?: 'uri' | 'querystring' | 'header' | 'headers' | 'statusCode';
  locationName?: string;
}

export interface Shape {
  type: 'structure' | 'string' | 'integer' | 'long' | 'boolean' | 'list' | 'map' | 'timestamp' | 'double' | 'float' | 'blob';
  required?: string[];
  members?: Record<string, ShapeRef>;
  member?: ShapeRef;
  key?: ShapeRef;
  value?: ShapeRef;
  enum?: string[];
  min?: number;
  max?: number;
  pattern?: string;
  error?: { httpStatusCode: number };
  exception?: boolean;
}

export interface Operation {
  name: string;
  http: { method: string; requestUri: string; responseCode?: number };
  input?: { shape: string };
  output?: { shape: string };
  errors?: { shape: string }[];
  deprecated?: boolean;
}

export interface ServiceModel {
  metadata: { apiVersion: string; signingName: string };
  operations: Record<string, Operation>;
  shapes: Record<string, Shape>;
}

export const drsModel: ServiceModel = JSON.parse(
  readFileSync(new URL('./model/drs-service-2.json', import.meta.url), 'utf8'),
) as ServiceModel;

export function shapeOf(name: string): Shape {
  const shape = drsModel.shapes[name];
  if (!shape) throw new Error(`shape ${name} is not in the DRS model`);
  return shape;
}

/** True when the model lists `errorShape` among the errors of `operation`. */
export function operationModelsError(operation: string, errorShape: string): boolean {
  return drsModel.operations[operation]?.errors?.some((e) => e.shape === errorShape) ?? false;
}
