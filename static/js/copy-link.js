// Copy buttons for links people open elsewhere (calendar feeds, theme-day tables).
// The button is in the page but hidden: it appears only where the Clipboard API exists, and the
// result is announced through the status element beside it.
function initCopyButtons(scope) {
  if (!navigator.clipboard || !window.isSecureContext) {
    return;
  }
  scope.querySelectorAll("button[data-copy]").forEach(function (button) {
    var source = document.getElementById(button.getAttribute("data-copy"));
    var status = button.parentElement.querySelector(".portal-copy-status");
    if (!source || !status || !button.hidden) {
      return;
    }
    button.hidden = false;
    button.addEventListener("click", function () {
      status.textContent = "";
      navigator.clipboard.writeText(source.textContent.trim()).then(
        function () {
          status.textContent = status.getAttribute("data-copied");
        },
        function () {
          status.textContent = status.getAttribute("data-failed");
        }
      );
    });
  });
}
document.addEventListener("DOMContentLoaded", function () {
  initCopyButtons(document);
});
document.addEventListener("htmx:afterSwap", function (event) {
  initCopyButtons(event.detail.target);
});
