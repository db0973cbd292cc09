// The console works without JavaScript; this only adds copy buttons.
document.addEventListener("click", function (event) {
  var button = event.target.closest("button[data-copy]");
  if (!button) return;
  var field = document.getElementById(button.getAttribute("data-copy"));
  if (!field) return;
  field.select();
  if (navigator.clipboard) {
    navigator.clipboard.writeText(field.value).then(function () { button.textContent = "Copied"; });
  } else {
    document.execCommand("copy");
    button.textContent = "Copied";
  }
});
