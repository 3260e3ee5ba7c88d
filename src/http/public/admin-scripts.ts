/**
 * The admin pages' one small script (CSP allows only same-origin files). Pages work without
 * it: it moves focus to the error summary after a failed submit (autofocus alone is not
 * honoured after every navigation), copies an event's date into an empty closing time, and
 * keeps the settings page's colour picker and its hex text in step.
 */
export const ADMIN_JS = `(function () {
  var summary = document.querySelector('.error-summary');
  if (summary) summary.focus();
  var date = document.getElementById('date');
  var closes = document.getElementById('closesAt');
  if (date && closes && date.type === 'datetime-local') {
    date.addEventListener('change', function () { if (!closes.value) closes.value = date.value; });
  }
  var picker = document.querySelector('[data-accent-picker]');
  var hex = document.querySelector('[data-accent-text]');
  if (picker && hex) {
    picker.addEventListener('input', function () { hex.value = picker.value; });
    hex.addEventListener('input', function () {
      var v = hex.value.trim();
      if (/^#[0-9a-fA-F]{6}$/.test(v)) picker.value = v.toLowerCase();
    });
  }
})();
`;
