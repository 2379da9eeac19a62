// The customer's page: tell the brand we are typing (at most every 3 s, like Twitter's
// own clients) and send the CSRF token with htmx requests.
(function () {
  "use strict";
  function csrfToken() {
    var input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }
  document.addEventListener("htmx:configRequest", function (event) {
    event.detail.headers["X-CSRFToken"] = csrfToken();
  });
  document.addEventListener("DOMContentLoaded", function () {
    var thread = document.querySelector("[data-typing-url]");
    var box = document.querySelector("[data-typing]");
    if (!thread || !box) { return; }
    var last = 0;
    box.addEventListener("input", function () {
      var now = Date.now();
      if (now - last < 3000 || !box.value) { return; }
      last = now;
      fetch(thread.getAttribute("data-typing-url"), {
        method: "POST", headers: { "X-CSRFToken": csrfToken() }, credentials: "same-origin"
      });
    });
  });
})();
