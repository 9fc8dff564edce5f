// MNIST-style preprocessing of a hand-drawn digit, so that the network sees what it was trained on.
// MNIST digits were size-normalised to fit a 20x20 box (aspect ratio kept, anti-aliased), then
// placed in a 28x28 field so that their centre of mass sits at the centre. No DOM: testable in Node.

export const SIDE = 28;
export const BOX = 20;
const INK_THRESHOLD = 0.05; // grey level below which a pixel does not count for the bounding box

/**
 * ink: Float32Array(width*height), row-major, 0 = paper, 1 = full ink.
 * Returns {pixels: Float32Array(784) in [0,1], empty: boolean, box:{x,y,width,height}|null}.
 */
export function preprocessDigit(ink, width, height) {
  const pixels = new Float32Array(SIDE * SIDE);
  const box = inkBoundingBox(ink, width, height);
  if (!box) return { pixels, empty: true, box: null };

  // Longer side becomes exactly BOX pixels; the shorter one keeps the aspect ratio.
  const scale = BOX / Math.max(box.width, box.height);
  const boxWidth = Math.max(1, Math.round(box.width * scale));
  const boxHeight = Math.max(1, Math.round(box.height * scale));
  const scaled = resampleArea(ink, width, box, boxWidth, boxHeight);

  // Centre of mass in pixel-centre coordinates (pixel i covers [i, i+1], its centre is i + 0.5),
  // so the centre of the 28x28 field is (14, 14). An integer shift keeps the strokes crisp and
  // leaves the centre of mass within half a pixel of the centre.
  const mass = centreOfMass(scaled, boxWidth, boxHeight);
  const offsetX = Math.round(SIDE / 2 - mass.x);
  const offsetY = Math.round(SIDE / 2 - mass.y);
  for (let y = 0; y < boxHeight; y++) {
    const ty = y + offsetY;
    if (ty < 0 || ty >= SIDE) continue;
    for (let x = 0; x < boxWidth; x++) {
      const tx = x + offsetX;
      if (tx < 0 || tx >= SIDE) continue;
      pixels[ty * SIDE + tx] = scaled[y * boxWidth + x];
    }
  }
  return { pixels, empty: false, box };
}

/** Smallest rectangle holding every pixel with ink above the threshold, or null. */
export function inkBoundingBox(ink, width, height) {
  let minX = width, minY = height, maxX = -1, maxY = -1;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (ink[y * width + x] > INK_THRESHOLD) {
        if (x < minX) minX = x;
        if (x > maxX) maxX = x;
        if (y < minY) minY = y;
        if (y > maxY) maxY = y;
      }
    }
  }
  if (maxX < 0) return null;
  return { x: minX, y: minY, width: maxX - minX + 1, height: maxY - minY + 1 };
}

/**
 * Area-averaging resample of the rectangle `box` of `src` (row stride srcWidth) to dstW x dstH:
 * each output pixel is the mean of the source area it covers, weighted by overlap. That is the
 * anti-aliasing MNIST used, and it is exact for any scale factor.
 */
export function resampleArea(src, srcWidth, box, dstW, dstH) {
  const out = new Float32Array(dstW * dstH);
  const sx = box.width / dstW;
  const sy = box.height / dstH;
  for (let dy = 0; dy < dstH; dy++) {
    const y0 = box.y + dy * sy, y1 = y0 + sy;
    for (let dx = 0; dx < dstW; dx++) {
      const x0 = box.x + dx * sx, x1 = x0 + sx;
      let sum = 0;
      for (let y = Math.floor(y0); y < Math.ceil(y1); y++) {
        const wy = Math.min(y1, y + 1) - Math.max(y0, y);
        for (let x = Math.floor(x0); x < Math.ceil(x1); x++) {
          const wx = Math.min(x1, x + 1) - Math.max(x0, x);
          sum += wx * wy * src[y * srcWidth + x];
        }
      }
      out[dy * dstW + dx] = Math.min(1, sum / (sx * sy));
    }
  }
  return out;
}

/** Centre of mass of a grey image in pixel-centre coordinates. */
export function centreOfMass(image, width, height) {
  let total = 0, sumX = 0, sumY = 0;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const v = image[y * width + x];
      total += v;
      sumX += v * (x + 0.5);
      sumY += v * (y + 0.5);
    }
  }
  return total > 0 ? { x: sumX / total, y: sumY / total } : { x: width / 2, y: height / 2 };
}
