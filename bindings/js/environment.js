// Where this JS runs: Node.js (not a worker or page), shared by the loader and the API classes.
export const isNode = typeof process === 'object' && !!process.versions?.node && typeof importScripts !== 'function' &&
  typeof window === 'undefined';
