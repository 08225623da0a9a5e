// The briefing editor: ask before leaving with unsaved changes, and tell the
// editor when someone else has the same briefing open (soft lock).
(function () {
  "use strict";
  const form = document.getElementById("briefing_form");
  if (!form) return;
  let dirty = false;
  let submitting = false;
  form.addEventListener("input", function () { dirty = true; });
  form.addEventListener("change", function () { dirty = true; });
  // Every button in the form saves the typed text first, so submitting is safe.
  form.addEventListener("submit", function () { submitting = true; });
  window.addEventListener("beforeunload", function (event) {
    if (dirty && !submitting) {
      event.preventDefault();
      event.returnValue = "";
    }
  });

  const notice = document.getElementById("prism-editing-notice");
  const pingUrl = form.dataset.prismPing || (notice && notice.dataset.ping);
  if (!notice || !pingUrl) return;
  const csrf = form.querySelector("input[name=csrfmiddlewaretoken]");
  function ping() {
    fetch(pingUrl, {
      method: "POST",
      headers: { "X-CSRFToken": csrf ? csrf.value : "" },
      credentials: "same-origin",
    })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        if (!data) return;
        notice.textContent = data.message || "";
        notice.hidden = !data.message;
      })
      .catch(function () {});
  }
  setInterval(ping, 30000);
})();
