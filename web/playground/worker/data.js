// The engine worker's data: the bundled digits, uploaded IDX files, or a 2-D toy set, as engine
// Datasets (train + validation). One set is in use at a time; the page asks for another with a
// request naming what it wants, and gets back what was loaded ({name, kind, classes, ...}).
import { classNamesFor, pairIdxFiles, readIdxBytes } from '../../../bindings/js/data/idx-files.js';
import { readPhotos } from './photos.js';
import { formatInteger } from '../../views/dom.js';

const VALIDATION_FRACTION = 0.15;  // held out of an uploaded training set that comes without a test part
const GALLERY_SIZE = 32;
const BOUNDARY_RESOLUTION = 80;    // grid cells per side of the decision-boundary picture

export class DataSets {
  constructor(engine) {
    this.engine = engine;
    this.train = null;
    this.validation = null;
    this.info = null;   // what the page was told about the set in use
    this.grid = null;   // 2-D points: the boundary grid {extent, resolution, inputs}
  }

  get kind() { return this.info?.kind ?? null; }

  /**
   * request: {source: 'digits'} | {source: 'toy', name, n, noise, seed} |
   *          {source: 'idx', files: [{name, bytes}], dataset: 'fashion-mnist' | 'idx', seed} |
   *          {source: 'images', ...} (photos.js: a folder, a zip or the webcam captures).
   * Returns {info, samples?, points?} (the page draws the samples or points). `options`:
   * {onProgress, signal} for the photos, which take a while to decode.
   */
  async load(request, options = {}) {
    let loaded;
    if (request.source === 'toy') loaded = this.toy(request);
    else if (request.source === 'digits') loaded = await this.digits();
    else if (request.source === 'idx') loaded = await this.idx(request);
    else if (request.source === 'images') {
      this.release();  // the photos in use may take most of the engine's room: free it for the new ones
      loaded = await readPhotos(this.engine, request, options);
    }
    else throw new Error(`unknown data source "${String(request.source).slice(0, 20)}"`);
    this.replace(loaded);
    return this.kind === 'points' ? { info: this.info, points: this.points() } : { info: this.info, samples: this.samples() };
  }

  toy({ name, n, noise, seed }) {
    const train = this.engine.toyDataset(name, { n, noise, seed });
    // Validation: a quarter as many points from the same distribution, with another seed.
    const validation = this.engine.toyDataset(name, { n: Math.max(20, Math.round(n / 4)), noise, seed: (seed + 1_000_003) % 2_147_483_648 });
    return { train, validation, kind: 'points', name: `${name} (${formatInteger(train.size)} training and ${formatInteger(validation.size)} validation points, noise ${noise})` };
  }

  async digits() {
    const { train, test } = await this.engine.digits();
    return { train, validation: test, kind: 'image', name: 'MNIST digits (bundled: 8,000 train, 2,000 test)', source: 'digits' };
  }

  async idx({ files, dataset, seed = 1 }) {
    const pairs = pairIdxFiles(files);
    const read = async (pair) => {
      const part = async (file, kind) => {
        try {
          return (await readIdxBytes(new Uint8Array(file.bytes), kind)).bytes;
        } catch (error) {
          throw new Error(`${file.name}: ${error.message}`);
        }
      };
      const images = await part(pair.images, 'images');
      const labels = await part(pair.labels, 'labels');
      try {
        return await this.engine.idxDataset(images, labels, { name: pair.images.name });
      } catch (error) {
        throw new Error(`${pair.images.name} + ${pair.labels.name}: ${error.message}`);
      }
    };
    const source = dataset === 'fashion-mnist' ? 'fashion-mnist' : files.map((f) => f.name).join(' ');
    const train = await read(pairs.train);
    if (pairs.test) {
      const validation = await read(pairs.test);
      return { train, validation, kind: 'image', source,
        name: `${pairs.train.images.name} (${formatInteger(train.size)} train) + ${pairs.test.images.name} (${formatInteger(validation.size)} test)` };
    }
    const parts = train.split(VALIDATION_FRACTION, seed);
    train.dispose();
    return { ...parts, kind: 'image', source, heldOut: true,
      name: `${pairs.train.images.name} (${formatInteger(parts.train.size)} train, ${formatInteger(parts.validation.size)} validation)` };
  }

  /** Frees the set in use (the page is told the data are not loaded whenever a load fails). */
  release() {
    this.train?.dispose();
    this.validation?.dispose();
    this.train = null;
    this.validation = null;
    this.info = null;
    this.grid = null;
  }

  replace({ train, validation, kind, name, source = '', heldOut = false, note = null, display = 'ink', photos = null }) {
    this.train?.dispose();
    this.validation?.dispose();
    this.train = train;
    this.validation = validation;
    this.grid = null;
    const classes = train.numClasses;
    // Names the data carry (an image folder's) win; IDX files carry only numbers, so their source names them.
    const fromEngine = train.classNames ?? [];
    const numbered = fromEngine.every((name, k) => name === String(k));
    const classNames = fromEngine.length === classes && !numbered ? fromEngine : classNamesFor(source, classes);
    this.info = { name, kind, source, classes, classNames, sampleShape: train.sampleShape, train: train.size,
      validation: validation.size,
      note: note ?? (heldOut ? `No test files: ${Math.round(VALIDATION_FRACTION * 100)}% of the training set is held out for validation.` : ''),
      // How a sample's values look: 'ink' (digits: 1 is black ink on white paper) or 'photo'
      // (1 is full light; 3 channels are red, green, blue); photos: what reading them found.
      display, photos };
  }

  /**
   * Training images for the page's gallery: {images, labels, indices, shape: [H, W], channels}:
   * the first ones, or for photos (stored class by class) the first of every class in turn.
   */
  samples() {
    const count = Math.min(GALLERY_SIZE, this.train.size);
    const [channels, height, width] = this.train.sampleShape.length === 3 ? this.train.sampleShape : [1, ...this.train.sampleShape.slice(-2)];
    const all = this.train.labels();
    const indices = this.info.display === 'photo' ? roundRobin(all, this.info.classes, count) : Array.from({ length: count }, (_, i) => i);
    const size = channels * height * width;
    const images = new Float32Array(count * size);
    indices.forEach((index, k) => images.set(this.train.inputs(index, 1), k * size));
    return { images, labels: indices.map((i) => all[i]), indices, shape: [height, width], channels };
  }

  /** One sample of a set: {pixels, label, shape}. */
  sample(set, index) {
    const data = set === 'validation' ? this.validation : this.train;
    if (!data || !Number.isInteger(index) || index < 0 || index >= data.size) throw new Error(`no ${set} sample ${index}`);
    return { pixels: data.inputs(index, 1), label: data.labels()[index], shape: data.sampleShape };
  }

  /**
   * 2-D points: the training points and the square region of the plane the boundary covers (their
   * bounding box grown by 15% around its centre, equal scale on both axes so circles stay round).
   */
  points() {
    const x = this.train.inputs(0, this.train.size);
    let xMin = Infinity, xMax = -Infinity, yMin = Infinity, yMax = -Infinity;
    for (let i = 0; i < x.length; i += 2) {
      xMin = Math.min(xMin, x[i]); xMax = Math.max(xMax, x[i]);
      yMin = Math.min(yMin, x[i + 1]); yMax = Math.max(yMax, x[i + 1]);
    }
    const half = Math.max(xMax - xMin, yMax - yMin, 1e-3) * 0.575;
    const cx = (xMin + xMax) / 2, cy = (yMin + yMax) / 2;
    const extent = { xMin: cx - half, xMax: cx + half, yMin: cy - half, yMax: cy + half };
    const g = BOUNDARY_RESOLUTION;
    const inputs = new Float32Array(2 * g * g);  // cell centres, row 0 at the top (yMax)
    for (let r = 0; r < g; r++) {
      for (let c = 0; c < g; c++) {
        inputs[2 * (r * g + c)] = extent.xMin + ((c + 0.5) / g) * (extent.xMax - extent.xMin);
        inputs[2 * (r * g + c) + 1] = extent.yMax - ((r + 0.5) / g) * (extent.yMax - extent.yMin);
      }
    }
    this.grid = { extent, resolution: g, inputs };
    return { x, labels: this.train.labels(), classes: this.info.classes, classNames: this.info.classNames, extent, name: this.info.name };
  }
}

/** `count` sample indices taking each class's next sample in turn (labels sorted or not). */
function roundRobin(labels, classes, count) {
  const byClass = Array.from({ length: classes }, () => []);
  labels.forEach((label, i) => byClass[label]?.push(i));
  const picked = [];
  for (let round = 0; picked.length < count; round++) {
    const before = picked.length;
    for (const list of byClass) if (round < list.length && picked.length < count) picked.push(list[round]);
    if (picked.length === before) break;
  }
  return picked;
}
