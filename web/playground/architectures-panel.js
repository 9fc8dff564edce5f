// The big architectures by their shapes (in the model summary): AlexNet, VGG-16, GoogLeNet,
// ResNet-18, each shown as the engine's layer table from shapes alone (engine.describe(name):
// no weights allocated, nothing built), with its totals. The list is the engine's
// (engine.architectures); the table is the same view as the model's own summary.
import { el, formatInteger } from '../views/dom.js';
import { LayerTableView } from '../views/layer-table.js';

const byId = (id) => document.getElementById(id);

export class ArchitecturesPanel {
  /** engine(): the engine connection or null. */
  constructor(store, { engine }) {
    Object.assign(this, { store, engine });
    this.select = byId('architecture');
    this.totals = byId('architecture-totals');
    this.table = new LayerTableView(byId('architecture-table'));
    this.sequence = 0;
    this.select.addEventListener('change', () => this.show(this.select.value));
    store.subscribe(['engine'], (state) => this.fill(state.engine));
  }

  fill(engine) {
    const list = engine.status === 'ready' ? engine.architectures ?? [] : [];
    const names = list.map((a) => a.name).join();
    if (names === this.filled) return;
    this.filled = names;
    this.select.replaceChildren(el('option', { value: '' }, list.length ? 'Choose one…' : 'the engine has not loaded yet'),
      ...list.map((a) => el('option', { value: a.name }, `${a.title} (${formatInteger(a.parameters)} parameters)`)));
    this.select.disabled = !list.length;
  }

  async show(name) {
    const sequence = ++this.sequence;
    if (!name) {
      this.totals.textContent = '';
      this.table.table.replaceChildren();
      return;
    }
    const connection = this.engine();
    if (!connection) return;
    try {
      const description = await connection.api.architecture(name);
      if (sequence !== this.sequence) return;
      const title = this.store.get().engine.architectures.find((a) => a.name === name)?.title ?? name;
      this.totals.textContent = `${title} on a ${description.inputShape.join('×')} input: ${formatInteger(description.parameters)} parameters, ` +
        `${formatInteger(description.multiplyAdds)} multiply-adds per image, ${description.layers.length} layers (blocks counted once), ` +
        `output ${description.outputShape.join('×')}. From shapes alone: nothing is built or trained.`;
      this.table.render(description.layers);
    } catch (error) {
      if (sequence === this.sequence) this.table.showError(`The engine could not describe ${name}: ${error.message ?? error}`);
    }
  }
}
