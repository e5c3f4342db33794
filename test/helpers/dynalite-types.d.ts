// dynalite ships no types: the part of its API the tests use.
declare module 'dynalite' {
  import type { Server } from 'node:http';

  type DynaliteOptions = {
    createTableMs?: number;
    deleteTableMs?: number;
    updateTableMs?: number;
    path?: string;
  };
  function dynalite(options?: DynaliteOptions): Server;
  export default dynalite;
}
