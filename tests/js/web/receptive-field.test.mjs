// Tests for the receptive-field geometry used by web/views/receptive-field.js.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { receptiveFieldRegion, clipRegion } from '../../../web/views/receptive-field.js';

const cases = [
  // [rf, row, col, region {top, left, bottom, right}, clipped to 28x28]
  [{ size: 1, jump: 1, start: 0 }, 3, 5, { top: 3, left: 5, bottom: 3, right: 5 }, { top: 3, left: 5, bottom: 3, right: 5 }],
  // conv 5x5 pad 2 (SEEDS small CNN): unit (0, 0) sees two rows/cols of padding
  [{ size: 5, jump: 1, start: -2 }, 0, 0, { top: -2, left: -2, bottom: 2, right: 2 }, { top: 0, left: 0, bottom: 2, right: 2 }],
  // then maxpool 2: each pooled unit sees (P + K - 1) = 6 pixels
  [{ size: 6, jump: 2, start: -2 }, 13, 13, { top: 24, left: 24, bottom: 29, right: 29 }, { top: 24, left: 24, bottom: 27, right: 27 }],
  [{ size: 14, jump: 2, start: -6 }, 1, 1, { top: -4, left: -4, bottom: 9, right: 9 }, { top: 0, left: 0, bottom: 9, right: 9 }],
  [{ size: 3, jump: 4, start: -10 }, 0, 0, { top: -10, left: -10, bottom: -8, right: -8 }, null],
];
for (const [rf, row, col, region, clipped] of cases) {
  test(`unit (${row}, ${col}) with ${JSON.stringify(rf)}`, () => {
    const got = receptiveFieldRegion(rf, row, col);
    assert.deepEqual(got, region);
    assert.deepEqual(clipRegion(got, 28, 28), clipped);
  });
}
