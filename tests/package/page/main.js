// The smallest course page: the engine trains in a Worker, the page shows what ran.
const status = document.querySelector('[role="status"]');
const worker = new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
worker.onmessage = ({ data }) => {
  if (data.type === 'error') {
    status.textContent = `error: ${data.message}`;
    return;
  }
  const losses = data.losses.map((loss) => loss.toFixed(3)).join(' ');
  status.textContent = `${data.build} on ${data.threads} thread(s), ${data.reason}; ${data.trainSize} digits; losses ${losses}`;
};
worker.onerror = (event) => { status.textContent = `error: ${event.message}`; };
worker.postMessage({ steps: 5 });
