// The header badge saying which engine build runs (threads need cross-origin isolation; without it
// the SIMD-only build runs), and why, so a lecturer sees at once what the audience gets.
export class BuildBadge {
  constructor(element) {
    this.element = element;
  }

  /** The engine did not start: `text` in the badge, `problem` (what failed) as its title. */
  renderFailed(text, problem = '') {
    this.element.textContent = text;
    this.element.className = 'badge failed';
    this.element.title = String(problem ?? '');
  }

  /** data: {build: 'simd-relaxed-threads'|'simd-relaxed'|'simd-threads'|'simd', threads, reason}, or null while loading */
  render(data) {
    if (!data) {
      this.element.textContent = 'loading engine…';
      this.element.className = 'badge loading';
      this.element.title = '';
      return;
    }
    const threaded = String(data.build).endsWith('-threads');
    const relaxed = String(data.build).startsWith('simd-relaxed');
    const threads = Number(data.threads) || 1;
    // "simd-threads · 2 threads · cross-origin isolated" / "simd · 1 thread · not cross-origin isolated"
    // The reason's first clause is about threads; the build's name already says whether it is relaxed SIMD.
    const why = String(data.reason ?? '').split('; ')[0].replace(/: single thread$/, '');
    this.element.textContent = [String(data.build), `${threads} thread${threads === 1 ? '' : 's'}`, why].filter(Boolean).join(' · ');
    this.element.className = `badge ${threaded ? 'fast' : 'single'}`;
    const simd = relaxed ? 'WebAssembly SIMD128 with relaxed SIMD (FMA)' : 'WebAssembly SIMD128';
    this.element.title = threaded
      ? `${simd} with threads: the page is cross-origin isolated, so SharedArrayBuffer is available.`
      : `${simd} on one thread: ${String(data.detail ?? data.reason ?? '')}${data.note ? ` (${data.note})` : ''}. ` +
        'Threads need the COOP/COEP headers (or the service worker of the static build).';
  }
}
