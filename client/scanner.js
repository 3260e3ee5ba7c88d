// The door scanner (bundled by ops/build-assets.ts with esbuild into dist/assets/scanner.js).
// Reads QR codes from the rear camera (or a photo, or typed text) with jsQR and asks the
// scan API what the ticket is. Every page control works without the camera.
import jsQR from 'jsqr';

const root = document.querySelector('[data-scanner]');
if (root) start(root);

function start(root) {
  const scanUrl = root.getAttribute('data-scan-url');
  const timeZone = root.getAttribute('data-timezone') || undefined;
  const csrf = root.getAttribute('data-csrf') || '';
  const out = root.querySelector('[data-result]');
  const video = root.querySelector('video');
  const canvas = document.createElement('canvas');
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  const READ_EVERY_MS = 150;
  const COOLDOWN_MS = 2000;
  let last = { text: '', at: 0 };
  let busy = false;

  const time = (iso) => {
    try {
      return new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', day: 'numeric', month: 'short' }).format(new Date(iso));
    } catch {
      return iso;
    }
  };

  function show(kind, title, detail, actions) {
    out.className = `scan-result ${kind}`;
    out.replaceChildren();
    const t = document.createElement('span');
    t.textContent = title;
    out.append(t);
    if (detail) {
      const d = document.createElement('span');
      d.className = 'detail';
      d.textContent = detail;
      out.append(d);
    }
    for (const a of actions || []) {
      const b = document.createElement('button');
      b.type = 'button';
      b.className = a.danger ? 'danger' : 'secondary';
      b.textContent = a.label;
      b.addEventListener('click', a.run);
      out.append(' ', b);
    }
    out.focus();
  }

  async function ask(token, extra) {
    busy = true;
    try {
      const res = await fetch(scanUrl, {
        method: 'POST',
        credentials: 'same-origin',
        headers: { 'content-type': 'application/json', 'x-csrf-token': csrf },
        body: JSON.stringify({ token, ...extra }),
      });
      const body = await res.json().catch(() => ({}));
      if (!res.ok) return show('not_found', 'Could not check this ticket', (body.error && body.error.message) || `Error ${res.status}`);
      render(token, body);
    } catch {
      show('not_found', 'No connection', 'Check the network and scan again.');
    } finally {
      busy = false;
    }
  }

  function render(token, r) {
    const a = r.attendee;
    const who = a ? `${a.name} × ${a.quantity}` : '';
    switch (r.result) {
      case 'checked_in':
        return show('checked_in', `✓ Checked in: ${who}`);
      case 'already_checked_in':
        return show('already_checked_in', `Already checked in: ${who}`, a && a.checkedInAt ? `First entry ${time(a.checkedInAt)}` : '', [
          { label: 'Check out…', run: () => confirmCheckOut(token, who) },
        ]);
      case 'checked_out':
        return show('idle', `Checked out: ${who}`);
      case 'refunded':
        return show('refunded', `✕ Refunded: ${who}`, 'This ticket was refunded and does not admit anyone.');
      case 'wrong_event':
        return show('wrong_event', `✕ Wrong event: ${who}`, `This ticket is for ${r.event ? r.event.name : 'another event'}.`, [
          { label: 'Check in anyway', run: () => ask(token, { force: true }) },
        ]);
      case 'wrong_date':
        return show('wrong_date', `✕ Wrong date: ${who}`, a && a.date ? `This ticket is for ${a.date}.` : '', [{ label: 'Check in anyway', run: () => ask(token, { force: true }) }]);
      default:
        return show('not_found', '✕ Not found', 'This is not a ticket of your organisation.');
    }
  }

  // Checking someone out is never one tap: the second button says what it does.
  function confirmCheckOut(token, who) {
    show('already_checked_in', `Check out ${who}?`, 'They will need to be scanned again to come back in.', [
      { label: 'Yes, check out', danger: true, run: () => ask(token, { checkOut: true }) },
      { label: 'Cancel', run: () => show('idle', 'Ready to scan') },
    ]);
  }

  function decoded(text) {
    const now = Date.now();
    if (busy || (text === last.text && now - last.at < COOLDOWN_MS)) return;
    last = { text, at: now };
    ask(text);
  }

  function read(source, width, height) {
    if (!width || !height) return;
    canvas.width = width;
    canvas.height = height;
    ctx.drawImage(source, 0, 0, width, height);
    const code = jsQR(ctx.getImageData(0, 0, width, height).data, width, height);
    if (code && code.data) decoded(code.data);
    return code;
  }

  root.querySelector('[data-camera]')?.addEventListener('click', async (e) => {
    e.currentTarget.disabled = true;
    try {
      const stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: 'environment' }, audio: false });
      video.srcObject = stream;
      video.hidden = false;
      await video.play();
      setInterval(() => read(video, video.videoWidth, video.videoHeight), READ_EVERY_MS);
      show('idle', 'Ready to scan', 'Hold a ticket’s QR code in front of the camera.');
    } catch {
      show('not_found', 'No camera', 'Allow the camera, or type the ticket code below.');
    }
  });

  // createImageBitmap reads the file directly: a blob: or data: URL would need the CSP to allow it.
  root.querySelector('[data-photo]')?.addEventListener('change', async (e) => {
    const file = e.currentTarget.files && e.currentTarget.files[0];
    if (!file) return;
    try {
      const bitmap = await createImageBitmap(file);
      last = { text: '', at: 0 };
      if (!read(bitmap, bitmap.width, bitmap.height)) show('not_found', 'No QR code found', 'Try again with the code filling the photo.');
      bitmap.close();
    } catch {
      show('not_found', 'Could not read that photo', 'Try another photo, or type the ticket code.');
    }
  });

  root.querySelector('[data-manual]')?.addEventListener('submit', (e) => {
    e.preventDefault();
    const input = e.currentTarget.querySelector('input[name="token"]');
    const text = input.value.trim();
    if (!text) return;
    last = { text: '', at: 0 };
    decoded(text);
    input.value = '';
  });
}
