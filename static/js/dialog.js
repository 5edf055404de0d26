// Progressive enhancement: a <dialog data-open-modal> that htmx swaps into the page opens as a modal.
// The browser keeps focus inside it and closes it on Escape; focus then returns to what opened it.
// Without JavaScript the same link leads to a confirmation page instead.
document.addEventListener("htmx:afterSwap", function (event) {
  var dialog = event.detail.target.querySelector("dialog[data-open-modal]");
  if (!dialog || dialog.open) {
    return;
  }
  var opener = event.detail.requestConfig && event.detail.requestConfig.elt;
  dialog.addEventListener("close", function () {
    dialog.remove();
    if (opener && document.contains(opener)) {
      opener.focus();
    }
  });
  dialog.addEventListener("click", function (click) {
    if (click.target.closest("[data-dialog-close]")) {
      click.preventDefault();
      dialog.close();
    }
  });
  dialog.showModal();
  // The safe choice first: sending mails every member, so Cancel has the focus.
  var cancel = dialog.querySelector("[data-dialog-close]");
  if (cancel) {
    cancel.focus();
  }
});
