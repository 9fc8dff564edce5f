// The device's camera for the playground: its live picture in a <video>, and square frames taken
// from it (the centre of the picture, as Teachable Machine takes them), for the webcam captures
// and for "take a photo" to inspect. A camera that cannot be opened rejects with a message that
// says why and what to do.

/** Why getUserMedia failed, in words a user can act on. */
function cameraProblem(error) {
  switch (error?.name) {
    case 'NotAllowedError':
    case 'SecurityError':
      return 'the camera was not allowed: allow it for this page (the camera icon in the address bar) and try again';
    case 'NotFoundError':
    case 'OverconstrainedError':
      return 'no camera was found on this device';
    case 'NotReadableError':
    case 'AbortError':
      return 'the camera is busy (another program or tab is using it)';
    default:
      return `the camera could not be opened (${error?.message || error})`;
  }
}

export class Camera {
  constructor() {
    this.stream = null;
    this.video = null;
  }

  get on() { return this.stream !== null; }

  /** Opens the camera and shows its picture in `video`. */
  async start(video) {
    if (this.stream) return;
    if (!navigator.mediaDevices?.getUserMedia) {
      throw new Error('this browser offers no camera here (a camera needs a secure page: https, or localhost)');
    }
    let stream;
    try {
      stream = await navigator.mediaDevices.getUserMedia({ video: { width: { ideal: 640 }, height: { ideal: 480 }, facingMode: 'user' }, audio: false });
    } catch (error) {
      throw new Error(cameraProblem(error));
    }
    this.stream = stream;
    this.video = video;
    video.srcObject = stream;
    await video.play();
    if (!video.videoWidth) await new Promise((resolve) => video.addEventListener('loadedmetadata', resolve, { once: true }));
  }

  stop() {
    for (const track of this.stream?.getTracks() ?? []) track.stop();
    if (this.video) this.video.srcObject = null;
    this.stream = null;
    this.video = null;
  }

  /** The centre square of the current picture, `side` pixels a side, on a new canvas. */
  frame(side) {
    const video = this.video;
    if (!this.stream || !video?.videoWidth) throw new Error('the camera is not on');
    const crop = Math.min(video.videoWidth, video.videoHeight);
    const canvas = document.createElement('canvas');
    canvas.width = side;
    canvas.height = side;
    const context = canvas.getContext('2d', { willReadFrequently: true });
    context.drawImage(video, (video.videoWidth - crop) / 2, (video.videoHeight - crop) / 2, crop, crop, 0, 0, side, side);
    return canvas;
  }
}

/** A canvas as JPEG bytes (a Blob). */
export function canvasToJpeg(canvas, quality = 0.92) {
  return new Promise((resolve, reject) => {
    canvas.toBlob((blob) => (blob ? resolve(blob) : reject(new Error('the frame could not be encoded as JPEG'))), 'image/jpeg', quality);
  });
}
