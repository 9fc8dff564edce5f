// Tests for web/digit-preprocess.js: bounding box, area resampling, centring.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { preprocessDigit, inkBoundingBox, resampleArea, centreOfMass } from '../../../web/digit-preprocess.js';

function canvasWith(width, height, paint) {
  const ink = new Float32Array(width * height);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) ink[y * width + x] = paint(x, y);
  return ink;
}

test('empty canvas gives an all-zero vector flagged empty', () => {
  const { pixels, empty } = preprocessDigit(new Float32Array(100 * 100), 100, 100);
  assert.equal(empty, true);
  assert.equal(pixels.length, 784);
  assert.ok(pixels.every((v) => v === 0));
});

const shapes = [
  // [name, width, height, paint]: tall bar off-centre, wide bar, an L shape, a diagonal
  ['tall bar', 280, 280, (x, y) => (x >= 30 && x < 70 && y >= 20 && y < 220 ? 1 : 0), 'height'],
  ['wide bar', 280, 280, (x, y) => (x >= 100 && x < 260 && y >= 200 && y < 240 ? 1 : 0), 'width'],
  ['L shape', 200, 300, (x, y) => ((x >= 20 && x < 50 && y >= 10 && y < 250) || (y >= 220 && y < 250 && x >= 20 && x < 180) ? 1 : 0), 'height'],
  ['diagonal', 280, 280, (x, y) => (Math.abs(x - y) < 12 && x > 40 && x < 240 ? 1 : 0), 'height'],
];
for (const [name, width, height, paint, longSide] of shapes) {
  test(`${name}: long side is 20 px and centre of mass is at (14, 14)`, () => {
    const { pixels, empty } = preprocessDigit(canvasWith(width, height, paint), width, height);
    assert.equal(empty, false);
    const box = inkBoundingBox(pixels, 28, 28);
    assert.equal(Math.max(box.width, box.height), 20, JSON.stringify(box));
    assert.equal(longSide === 'height' ? box.height : box.width, 20);
    const mass = centreOfMass(pixels, 28, 28);
    assert.ok(Math.abs(mass.x - 14) <= 0.5 && Math.abs(mass.y - 14) <= 0.5, JSON.stringify(mass));
    assert.ok(pixels.every((v) => v >= 0 && v <= 1));
  });
}

test('area resampling keeps the mean grey level', () => {
  const src = canvasWith(10, 10, (x, y) => ((x + y) % 2)); // checkerboard, mean 0.5
  const out = resampleArea(src, 10, { x: 0, y: 0, width: 10, height: 10 }, 3, 3);
  for (const v of out) assert.ok(Math.abs(v - 0.5) < 0.07, String(v));
  const exact = resampleArea(src, 10, { x: 0, y: 0, width: 10, height: 10 }, 5, 5); // 2x2 blocks
  for (const v of exact) assert.ok(Math.abs(v - 0.5) < 1e-6);
});
