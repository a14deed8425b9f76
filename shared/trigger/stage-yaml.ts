// The YAML of a stage configuration (deploy/stages/<stage>.yaml) → plain data, for config.ts to
// check. It does not import config.ts: config.ts loads it lazily, only for a YAML file.
import { parseDocument } from 'yaml';
import { InvalidStageConfigError } from '#shared/trigger/errors.ts';

/** The stage configuration's document as plain data; YAML errors name the file. */
export function stageConfigDocument(text: string, source: string): unknown {
  const document = parseDocument(text, { uniqueKeys: true });
  if (document.errors.length > 0) {
    throw new InvalidStageConfigError(`${source}: not valid YAML: ${document.errors[0].message.split('\n')[0]}`);
  }
  return document.toJS();
}
