// The header badge saying which engine build runs (threads need cross-origin isolation; without it
// the SIMD-only build runs), and why, so a lecturer sees at once what the audience gets.
export class BuildBadge {
  constructor(element) {
    this.element = element;
  }

  /** data: {build: 'simd-threads'|'simd', threads, reason}, or null while loading */
  render(data) {
    if (!data) {
      this.element.textContent = 'loading engine…';
      this.element.className = 'badge loading';
      this.element.title = '';
      return;
    }
    const threaded = data.build === 'simd-threads';
    this.element.textContent = threaded ? `WASM SIMD · ${data.threads} threads` : 'WASM SIMD · 1 thread';
    this.element.className = `badge ${threaded ? 'fast' : 'single'}`;
    this.element.title = String(data.reason ?? '');
  }
}
