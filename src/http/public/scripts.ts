/**
 * The few same-origin scripts of the public pages, served as files (CSP allows only 'self'
 * scripts, never inline ones). Every page works without them; they only add comfort.
 */

/** The 503 waiting page: re-submit the kept form after the server's Retry-After, plus jitter so a crowd does not return in lock-step. */
export const RETRY_JS = `(function () {
  var form = document.querySelector('form[data-retry-after]');
  if (!form) return;
  var left = Math.max(1, parseInt(form.getAttribute('data-retry-after'), 10) || 3);
  var out = document.querySelector('[data-countdown]');
  var jitterMs = Math.floor(Math.random() * 1000);
  function tick() {
    if (out) out.textContent = String(left);
    if (left <= 0) { setTimeout(function () { form.submit(); }, jitterMs); return; }
    left -= 1;
    setTimeout(tick, 1000);
  }
  tick();
})();
`;

/** Inside an embedded booking page: tell the parent page how tall we are (no data but a number). */
export const EMBED_FRAME_JS = `(function () {
  if (window.parent === window) return;
  var last = 0;
  function send() {
    var h = Math.ceil(document.documentElement.getBoundingClientRect().height);
    if (h === last) return;
    last = h;
    window.parent.postMessage({ type: 'boxoffice:height', height: h }, '*');
  }
  window.addEventListener('load', send);
  window.addEventListener('resize', send);
  if (window.ResizeObserver) new ResizeObserver(send).observe(document.body);
  send();
})();
`;

/**
 * On an organiser's site: <script src="https://<boxoffice>/embed.js" data-events="a+b"></script>
 * becomes an iframe of /ticket/a+b?iframe=true that grows to fit its content.
 */
export const EMBED_JS = `(function () {
  var script = document.currentScript;
  if (!script) return;
  var events = script.getAttribute('data-events') || '';
  if (!/^[a-z0-9]+([-+][a-z0-9]+)*$/.test(events)) {
    if (window.console) console.error('Boxoffice embed: data-events must be event slugs joined by +');
    return;
  }
  var origin = new URL(script.src, window.location.href).origin;
  var frame = document.createElement('iframe');
  frame.src = origin + '/ticket/' + events + '?iframe=true';
  frame.title = script.getAttribute('data-title') || 'Book tickets';
  frame.className = 'boxoffice-embed';
  frame.style.width = '100%';
  frame.style.height = '600px';
  frame.style.border = '0';
  frame.style.display = 'block';
  script.parentNode.insertBefore(frame, script.nextSibling);
  window.addEventListener('message', function (e) {
    if (e.origin !== origin || e.source !== frame.contentWindow) return;
    var d = e.data;
    if (d && d.type === 'boxoffice:height' && typeof d.height === 'number') frame.style.height = Math.max(200, Math.ceil(d.height)) + 'px';
  });
})();
`;

/**
 * A multi-event form: once a ticket is chosen, a contact field only some events ask for is
 * shown (and required) only if a ticket for one of them is chosen. Without this script every field shows, marked with
 * the events that need it, and the server applies the same rule.
 */
export const MULTI_FIELDS_JS = `(function () {
  var fields = document.querySelectorAll('[data-needed-for]');
  if (!fields.length) return;
  function chosen(slug) {
    var s = document.querySelector('select[name="quantity_' + slug + '"]');
    return s && parseInt(s.value, 10) > 0;
  }
  function update() {
    // Until a ticket is chosen every field shows; then only those the chosen events ask for.
    var any = false;
    var selects = document.querySelectorAll('select[name^="quantity_"]');
    for (var j = 0; j < selects.length; j++) if (parseInt(selects[j].value, 10) > 0) any = true;
    for (var i = 0; i < fields.length; i++) {
      var box = fields[i];
      var needed = box.getAttribute('data-needed-for').split(' ').some(chosen);
      box.hidden = any && !needed;
      var input = box.querySelector('input, textarea');
      if (input) input.required = needed;
    }
  }
  document.addEventListener('change', function (e) {
    if (e.target && e.target.name && e.target.name.indexOf('quantity_') === 0) update();
  });
  update();
})();
`;

/**
 * The "preparing payment" page: polls the status URL as JSON and goes to Stripe as soon as the
 * checkout exists. Without JavaScript the page's meta refresh does the same, more slowly.
 */
export const PAYMENT_POLL_JS = `(function () {
  var el = document.querySelector('[data-status-url]');
  if (!el || !window.fetch) return;
  var url = el.getAttribute('data-status-url');
  function poll() {
    fetch(url, { headers: { accept: 'application/json' }, credentials: 'same-origin' })
      .then(function (r) { return r.json(); })
      .then(function (b) {
        // Embedded: Stripe refuses the frame, so the page reloads into its "Pay now" link.
        if (b && b.checkoutUrl) { if (el.getAttribute('data-embed')) window.location.reload(); else window.location.href = b.checkoutUrl; return; }
        if (b && b.status && b.status !== 'preparing') { window.location.reload(); return; }
        setTimeout(poll, 1000);
      })
      .catch(function () { setTimeout(poll, 2000); });
  }
  setTimeout(poll, 1000);
})();
`;

/**
 * The embedded "Pay now" page: opens the checkout in a popup so the buyer stays on the
 * organiser's page, then polls the hold (same origin) and moves this frame to the tickets once
 * it is paid. A blocked popup falls through to the link's own target=_top navigation.
 */
export const PAY_POPUP_JS = `(function () {
  var page = document.querySelector('[data-status-url][data-return-url]');
  var link = document.querySelector('[data-pay-popup]');
  if (!page || !link || !window.fetch) return;
  var statusUrl = page.getAttribute('data-status-url');
  var returnUrl = page.getAttribute('data-return-url');
  var polling = false;
  function poll() {
    fetch(statusUrl, { headers: { accept: 'application/json' }, credentials: 'same-origin' })
      .then(function (r) { return r.json(); })
      .then(function (b) {
        if (b && b.status === 'paid') { window.location.href = returnUrl; return; }
        if (b && b.status === 'expired') { window.location.reload(); return; }
        setTimeout(poll, 2000);
      })
      .catch(function () { setTimeout(poll, 3000); });
  }
  link.addEventListener('click', function (e) {
    var w = Math.min(520, screen.availWidth), h = Math.min(760, screen.availHeight);
    var popup = window.open(link.getAttribute('href'), 'boxoffice-checkout', 'popup,width=' + w + ',height=' + h);
    if (!popup) return;
    e.preventDefault();
    var note = document.querySelector('[data-testid=paying-elsewhere]');
    if (note) note.hidden = false;
    if (!polling) { polling = true; setTimeout(poll, 2000); }
  });
})();
`;
