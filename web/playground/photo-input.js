// The input to inspect when the data are photos: an image file chosen from the device, or a photo
// taken with the camera, fitted to the data's size and channels by the same rule as the training
// images (fit-image.js), so the model sees it as it saw them. The image picker view
// (web/views/image-picker.js) shows it; a 'photopick' event (bubbling, detail {source: 'picked',
// pixels, shape, name}) hands it to the inspect panel.
import { readImageHeader, ImageFileError } from '../../bindings/js/data/image-header.js';
import { decodeImage } from '../../bindings/js/data/browser.js';
import { fitImage } from '../../bindings/js/data/fit-image.js';
import { MAX_IMAGE_PIXELS, MAX_IMAGE_SIDE } from '../../bindings/js/data/limits.js';
import { Camera } from './camera.js';

export class PhotoInput {
  /** view: an ImagePickerView. */
  constructor(store, { view }) {
    Object.assign(this, { store, view });
    this.camera = new Camera();
    const root = view.container;
    root.addEventListener('imagefile', (event) => this.fromFile(event.detail.file));
    root.addEventListener('camerastart', () => this.startCamera());
    root.addEventListener('camerastop', () => this.stopCamera());
    root.addEventListener('photorequest', () => this.fromCamera());
    // The camera goes off when the data are no longer photos (the picker is hidden then).
    store.subscribe(['data'], ({ data }) => {
      if (data.info?.display !== 'photo') this.stopCamera();
    });
  }

  /** The data's sample shape as a fitting target, or null (no photos loaded). */
  target() {
    const info = this.store.get().data.info;
    if (info?.display !== 'photo') return null;
    const [channels, height, width] = info.sampleShape;
    return { channels, height, width };
  }

  async fromFile(file) {
    const target = this.target();
    if (!target) return;
    try {
      const bytes = new Uint8Array(await file.arrayBuffer());
      const header = readImageHeader(bytes);
      if (header.width * header.height > MAX_IMAGE_PIXELS || header.width > MAX_IMAGE_SIDE || header.height > MAX_IMAGE_SIDE) {
        throw new ImageFileError(`${header.width} x ${header.height} pixels is larger than the ${MAX_IMAGE_PIXELS / 1e6} megapixels an image may have`);
      }
      const image = await decodeImage(bytes, header);
      this.pick(fitImage(image, target), target, `the image ${file.name}`);
    } catch (error) {
      this.view.say(`${file.name}: ${error.message}.`);
    }
  }

  async startCamera() {
    try {
      await this.camera.start(this.view.video);
      this.view.setCamera(true);
      this.view.say('The camera is on: press "Take the photo".');
    } catch (error) {
      this.view.setCamera(false);
      this.view.say(`No photo: ${error.message}.`);
    }
  }

  stopCamera() {
    if (!this.camera.on) return;
    this.camera.stop();
    this.view.setCamera(false);
  }

  fromCamera() {
    const target = this.target();
    if (!target) return;
    try {
      const side = Math.max(target.width, target.height) * 4;  // a few source pixels per sample pixel, averaged by fitImage
      const canvas = this.camera.frame(side);
      const pixels = canvas.getContext('2d').getImageData(0, 0, side, side);
      this.pick(fitImage({ width: side, height: side, data: pixels.data }, target), target, 'the photo just taken');
    } catch (error) {
      this.view.say(`No photo: ${error.message}.`);
    }
  }

  pick(pixels, { channels, height, width }, name) {
    const shape = [channels, height, width];
    this.view.show({ data: pixels, shape, display: 'photo' }, name);
    this.view.container.dispatchEvent(new CustomEvent('photopick', { bubbles: true, detail: { source: 'picked', pixels, shape, name } }));
  }
}
