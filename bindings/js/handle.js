// Ownership of engine objects from JavaScript. Embind handles hold engine memory until
// their delete() runs; every wrapper extends Owned so dispose() (or `using`) frees it, and
// a FinalizationRegistry frees what a user forgot once the wrapper is garbage collected.

const registry = new FinalizationRegistry((handle) => {
  if (!handle.isDeleted()) handle.delete();
});

export class Owned {
  #handle;

  constructor(handle) {
    this.#handle = handle;
    registry.register(this, handle, this);
  }

  /** The raw Embind handle; throws once disposed so use-after-free is a clear error. */
  get handle() {
    if (!this.#handle) throw new Error(`wasmgrad: this ${this.constructor.name} was disposed`);
    return this.#handle;
  }

  get disposed() { return !this.#handle; }

  /** Frees the engine memory now. Safe to call twice. */
  dispose() {
    if (!this.#handle) return;
    registry.unregister(this);
    this.#handle.delete();
    this.#handle = null;
  }

  [Symbol.dispose ?? Symbol.for('Symbol.dispose')]() { this.dispose(); }
}
