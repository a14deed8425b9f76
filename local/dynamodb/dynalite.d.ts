// dynalite ships no types: the part of its API the local DynamoDB service uses.
declare module 'dynalite' {
  import type { Server } from 'node:http';

  interface DynaliteOptions {
    /** How long tables stay CREATING, DELETING and UPDATING (default 500 ms each). */
    createTableMs?: number;
    deleteTableMs?: number;
    updateTableMs?: number;
    /** A LevelDB folder; in memory without it. */
    path?: string;
  }

  export default function dynalite(options?: DynaliteOptions): Server;
}
