// The DRS port over the shared client: what handlers use unless a test passes its own.
import { drsClient } from '../clients.ts';
import { createDrsAdapter } from './adapter.ts';

export const drs = createDrsAdapter(drsClient);
