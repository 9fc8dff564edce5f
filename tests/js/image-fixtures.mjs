// A small, structured colour data set made in the tests (nothing is fetched): three classes of
// coloured shapes at random places on a noisy light background,
//   circles (reddish), squares (greenish), triangles (bluish),
// with seeded random size, position, hue jitter and image size, written as PNG (and JPEG/WebP)
// with sharp. Shape and colour both tell the classes apart, so a small CNN learns it in a few
// epochs on a CPU, and the colour channels matter.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { mulberry32 } from '../../bindings/js/data/seeded.js';

export const SHAPE_CLASSES = ['circles', 'squares', 'triangles'];

/** A seeded generator of floats in [0, 1) (mulberry32, the one the image-folder hold-out uses). */
export const rng = (seed) => mulberry32(seed);

const BASE_COLOUR = { circles: [220, 40, 40], squares: [40, 190, 60], triangles: [50, 70, 220] };

function inside(kind, x, y, cx, cy, r) {
  if (kind === 'circles') return (x - cx) ** 2 + (y - cy) ** 2 <= r * r;
  if (kind === 'squares') return Math.abs(x - cx) <= r * 0.85 && Math.abs(y - cy) <= r * 0.85;
  // An upward triangle: apex at (cx, cy - r), base at y = cy + r.
  if (y < cy - r || y > cy + r) return false;
  const half = ((y - (cy - r)) / (2 * r)) * r;
  return Math.abs(x - cx) <= half;
}

/** Raw RGB pixels (Uint8Array, width * height * 3) of one shape image. */
export function shapePixels(kind, random, width, height) {
  const pixels = new Uint8Array(width * height * 3);
  const side = Math.min(width, height);
  const r = side * (0.18 + 0.12 * random());
  const cx = r + random() * (width - 2 * r);
  const cy = r + random() * (height - 2 * r);
  const colour = BASE_COLOUR[kind].map((c) => Math.max(0, Math.min(255, c + (random() - 0.5) * 60)));
  const background = [200 + 40 * random(), 200 + 40 * random(), 200 + 40 * random()];
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const fill = inside(kind, x + 0.5, y + 0.5, cx, cy, r) ? colour : background;
      for (let c = 0; c < 3; c++) pixels[(y * width + x) * 3 + c] = Math.max(0, Math.min(255, fill[c] + (random() - 0.5) * 30));
    }
  }
  return pixels;
}

/** Encodes raw pixels (channels 1, 3 or 4) as 'png', 'jpeg' or 'webp'. */
export function encode(pixels, width, height, channels = 3, format = 'png') {
  let image = sharp(Buffer.from(pixels.buffer, pixels.byteOffset, pixels.byteLength), { raw: { width, height, channels } });
  if (channels === 1) image = image.toColourspace('b-w');  // a greyscale file (PNG colour type 0, one-component JPEG)
  const encoded = format === 'png' ? image.png() : format === 'jpeg' ? image.jpeg({ quality: 90 }) : image.webp({ quality: 90 });
  return encoded.toBuffer().then((b) => new Uint8Array(b.buffer, b.byteOffset, b.length));
}

/**
 * The data set as entries [{path, bytes}] (no disk): `perClass` images per class, sizes between
 * 32 and 56 pixels a side (so they get scaled and cropped), formats cycling png / jpeg / webp
 * when `formats` has several. layout 'classes' (cats/…) or 'splits' (train/… and test/…).
 */
export async function shapeEntries({ perClass = 60, seed = 7, layout = 'classes', testPerClass = 0, formats = ['png'] } = {}) {
  const random = rng(seed);
  const entries = [];
  let n = 0;
  const make = async (prefix, count) => {
    for (const kind of SHAPE_CLASSES) {
      for (let i = 0; i < count; i++) {
        const width = 32 + Math.floor(random() * 25);
        const height = 32 + Math.floor(random() * 25);
        const format = formats[n++ % formats.length];
        const bytes = await encode(shapePixels(kind, random, width, height), width, height, 3, format);
        entries.push({ path: `${prefix}${kind}/${String(i).padStart(3, '0')}.${format === 'jpeg' ? 'jpg' : format}`, bytes });
      }
    }
  };
  if (layout === 'splits') {
    await make('train/', perClass);
    await make('test/', testPerClass || Math.ceil(perClass / 4));
  } else {
    await make('', perClass);
  }
  return entries;
}

/** Writes entries under `dir` (creating folders). */
export async function writeEntries(dir, entries) {
  for (const { path, bytes } of entries) {
    const file = join(dir, path);
    await mkdir(join(file, '..'), { recursive: true });
    await writeFile(file, bytes);
  }
}
