/**
 * The admin pages' one small script (CSP allows only same-origin files). Pages work without
 * it: it moves focus to the error summary after a failed submit (autofocus alone is not
 * honoured after every navigation), and copies an event's date into an empty closing time.
 */
export const ADMIN_JS = `(function () {
  var summary = document.querySelector('.error-summary');
  if (summary) summary.focus();
  var date = document.getElementById('date');
  var closes = document.getElementById('closesAt');
  if (date && closes && date.type === 'datetime-local') {
    date.addEventListener('change', function () { if (!closes.value) closes.value = date.value; });
  }
})();
`;
