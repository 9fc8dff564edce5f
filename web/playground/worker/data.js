// The engine worker's data: the bundled digits, uploaded IDX files, or a 2-D toy set, as engine
// Datasets (train + validation). One set is in use at a time; the page asks for another with a
// request naming what it wants, and gets back what was loaded ({name, kind, classes, ...}).
import { classNamesFor, pairIdxFiles, readIdxBytes } from '../../../bindings/js/data/idx-files.js';

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
   *          {source: 'idx', files: [{name, bytes}], dataset: 'fashion-mnist' | 'idx', seed}.
   * Returns {info, samples?, points?} (the page draws the samples or points).
   */
  async load(request) {
    let loaded;
    if (request.source === 'toy') loaded = this.toy(request);
    else if (request.source === 'digits') loaded = await this.digits();
    else if (request.source === 'idx') loaded = await this.idx(request);
    else throw new Error(`unknown data source "${String(request.source).slice(0, 20)}"`);
    this.replace(loaded);
    return this.kind === 'points' ? { info: this.info, points: this.points() } : { info: this.info, samples: this.samples() };
  }

  toy({ name, n, noise, seed }) {
    const train = this.engine.toyDataset(name, { n, noise, seed });
    // Validation: a quarter as many points from the same distribution, with another seed.
    const validation = this.engine.toyDataset(name, { n: Math.max(20, Math.round(n / 4)), noise, seed: (seed + 1_000_003) % 2_147_483_648 });
    return { train, validation, kind: 'points', name: `${name} (${train.size} training and ${validation.size} validation points, noise ${noise})` };
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
        name: `${pairs.train.images.name} (${train.size} train) + ${pairs.test.images.name} (${validation.size} test)` };
    }
    const parts = train.split(VALIDATION_FRACTION, seed);
    train.dispose();
    return { ...parts, kind: 'image', source, heldOut: true,
      name: `${pairs.train.images.name} (${parts.train.size} train, ${parts.validation.size} validation)` };
  }

  replace({ train, validation, kind, name, source = '', heldOut = false }) {
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
      note: heldOut ? `No test files: ${Math.round(VALIDATION_FRACTION * 100)}% of the training set is held out for validation.` : '' };
  }

  /** The first training images for the page's gallery: {images, labels, shape}. */
  samples() {
    const count = Math.min(GALLERY_SIZE, this.train.size);
    const [height, width] = this.train.sampleShape.slice(-2);
    return { images: this.train.inputs(0, count), labels: Array.from(this.train.labels().subarray(0, count)), shape: [height, width] };
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
