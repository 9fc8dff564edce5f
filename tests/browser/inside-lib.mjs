// Shared by the "inside one unit" browser suites (unit-inspector, network-view): screenshots of one
// element and the page's own measure of how fast the network view follows the pen.

/** The performance measure web/playground/unit-panel.js records per 'digit' event (its FLOW_MEASURE). */
export const FLOW_MEASURE = 'wasmgrad: digit to network frame';

/** A screenshot of one element, cut from the whole page, with the sticky run bar out of the way (it would cover it). */
export async function elementShot(page, locator, file) {
  const box = await locator.boundingBox();
  const scrollY = await page.evaluate(() => {
    document.querySelector('#run-bar').style.visibility = 'hidden';
    return window.scrollY;
  });
  try {
    await page.screenshot({ path: file, fullPage: true, clip: { ...box, y: box.y + scrollY } });
  } finally {
    await page.evaluate(() => { document.querySelector('#run-bar').style.visibility = ''; });
  }
}
