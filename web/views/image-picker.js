// "Pick an image or take a photo": the input to inspect when the data are photos rather than
// digits drawn with a pen. Two ways in: a file chosen from the device, or a frame of the camera
// (its live picture in this view's <video>). Beside them, the image as the network sees it (at the
// data's size and channels). The view only draws and asks; the page decodes, fits and owns the
// camera. Events (bubbling): 'imagefile' {file}, 'camerastart', 'camerastop', 'photorequest'.
import { el } from './dom.js';
import { paintImage } from './colour.js';

export class ImagePickerView {
  constructor(container, { previewSize = 168 } = {}) {
    this.container = container;
    this.fileInput = el('input', { type: 'file', accept: 'image/png,image/jpeg,image/webp', 'aria-label': 'Image to inspect', hidden: true });
    this.chooseButton = el('button', { type: 'button', class: 'button secondary' }, 'Choose an image…');
    this.cameraButton = el('button', { type: 'button', class: 'button secondary', 'aria-pressed': 'false' }, 'Take a photo');
    this.shutter = el('button', { type: 'button', class: 'button primary', hidden: true }, 'Take the photo');
    this.video = el('video', { class: 'picker-video', muted: true, playsinline: true, hidden: true, 'aria-label': 'Camera picture' });
    this.preview = el('canvas', { class: 'pixelated picker-preview', role: 'img', 'aria-label': 'The input the network sees: none yet' });
    this.preview.style.width = `${previewSize}px`;
    this.preview.style.height = `${previewSize}px`;
    this.caption = el('figcaption', {}, 'what the network sees');
    this.status = el('p', { class: 'view-caption', role: 'status' }, 'Choose an image from this device, or take a photo with the camera.');
    container.replaceChildren(
      el('div', { class: 'picker' },
        el('div', { class: 'picker-controls' }, this.chooseButton, this.cameraButton, this.fileInput, this.video, this.shutter),
        el('figure', { class: 'picker-figure' }, this.preview, this.caption)),
      this.status);
    const emit = (type, detail = {}) => container.dispatchEvent(new CustomEvent(type, { bubbles: true, detail }));
    this.chooseButton.addEventListener('click', () => this.fileInput.click());
    this.fileInput.addEventListener('change', () => {
      const file = this.fileInput.files[0];
      this.fileInput.value = '';
      if (file) emit('imagefile', { file });
    });
    this.cameraButton.addEventListener('click', () => emit(this.cameraOn ? 'camerastop' : 'camerastart'));
    this.shutter.addEventListener('click', () => emit('photorequest'));
    this.cameraOn = false;
  }

  /** The camera's picture is live in this.video (true) or not. */
  setCamera(on) {
    this.cameraOn = on;
    this.video.hidden = !on;
    this.shutter.hidden = !on;
    this.cameraButton.textContent = on ? 'Stop the camera' : 'Take a photo';
    this.cameraButton.setAttribute('aria-pressed', String(on));
  }

  /** The input being inspected: {data, shape: [C, H, W], display}, with a caption saying where it came from. */
  show({ data, shape, display = 'photo' }, text) {
    paintImage(this.preview, data, shape, { display });
    this.caption.textContent = `what the network sees (${shape.join('×')})`;
    this.preview.setAttribute('aria-label', `The input the network sees: ${text}`);
    this.status.textContent = `Showing ${text}.`;
  }

  /** A message in the status line (a file that is not an image, a camera that is not allowed). */
  say(text) {
    this.status.textContent = String(text);
  }
}
