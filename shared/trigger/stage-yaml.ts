// The YAML of a stage configuration (deploy/stages/<stage>.yaml) → a checked configuration.
import { parseDocument } from 'yaml';
import { checkStageConfig, InvalidStageConfigError, type StageConfig } from './config.ts';

/** The stage configuration's document as plain data; YAML errors name the file. */
export function stageConfigDocument(text: string, source: string): unknown {
  const document = parseDocument(text, { uniqueKeys: true });
  if (document.errors.length > 0) {
    throw new InvalidStageConfigError(`${source}: not valid YAML: ${document.errors[0].message.split('\n')[0]}`);
  }
  return document.toJS();
}

/** Parses and validates a stage configuration; the error names every wrong field. */
export function parseStageConfig(text: string, source: string): StageConfig {
  return checkStageConfig(stageConfigDocument(text, source), source);
}
