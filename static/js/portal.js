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
// A form marked data-unsaved-warning="<what it edits>" that has changes not yet saved: submitting
// another form of the page would lose them (the page reloads), so that submit is stopped with a
// message beside its button; leaving the page asks first. Saving the form (htmx swaps it) clears it.
(function () {
  function dirtyForms() {
    return Array.prototype.filter.call(
      document.querySelectorAll("form[data-unsaved-warning]"),
      function (form) { return form.dataset.unsaved === "1"; }
    );
  }
  document.addEventListener("input", function (event) {
    var form = event.target.closest && event.target.closest("form[data-unsaved-warning]");
    if (form) { form.dataset.unsaved = "1"; }
  });
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var dirty = dirtyForms().filter(function (each) { return each !== form; });
    if (form.hasAttribute("data-unsaved-warning")) { form.dataset.unsaved = ""; }
    if (!dirty.length) { return; }
    event.preventDefault();
    event.stopImmediatePropagation();
    var old = form.querySelector(".portal-unsaved-alert");
    if (old) { old.remove(); }
    var alert = document.createElement("div");
    alert.className = "alert alert-warning portal-unsaved-alert";
    alert.setAttribute("role", "alert");
    var body = document.createElement("div");
    body.className = "alert-body";
    var text = document.createElement("p");
    text.className = "alert-text";
    text.textContent = dirty[0].dataset.unsavedMessage;
    body.appendChild(text);
    alert.appendChild(body);
    form.insertBefore(alert, form.firstChild);
  }, true);
  window.addEventListener("beforeunload", function (event) {
    if (dirtyForms().length) { event.preventDefault(); event.returnValue = ""; }
  });
})();
