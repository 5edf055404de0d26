// Start Det Fælles Designsystem's components; htmx needs nothing beyond its meta config.
// After a refused submit, focus goes to the first field in error (its message is read with it), so a
// keyboard or screen-reader user does not start again from the top of the page.
function focusFirstError(scope) {
  var field = scope.querySelector('[aria-invalid="true"]');
  if (field && (document.activeElement === document.body || scope.contains(document.activeElement))) {
    field.focus();
  }
}
document.addEventListener("DOMContentLoaded", function () {
  if (window.DKFDS && typeof window.DKFDS.init === "function") {
    window.DKFDS.init();
  }
  focusFirstError(document);
});
document.addEventListener("htmx:afterSwap", function (event) {
  if (window.DKFDS && typeof window.DKFDS.init === "function") {
    window.DKFDS.init({ scope: event.detail.target });
  }
  focusFirstError(event.detail.target);
});
