// The briefing editor: ask before leaving with unsaved changes, and tell the
// editor when someone else has the same briefing open (soft lock).
(function () {
  "use strict";
  const form = document.getElementById("briefing_form");
  if (!form) return;
  let dirty = false;
  let submitting = false;
  // "AI로 다시 쓰기" posts elsewhere without saving: offer it only while nothing
  // is typed, and ask before it replaces a part a person wrote.
  const rewriteButtons = form.querySelectorAll(".prism-ai-rewrite");
  function markDirty() {
    dirty = true;
    rewriteButtons.forEach(function (button) {
      button.disabled = true;
      button.title = "먼저 저장하세요";
    });
  }
  form.addEventListener("input", markDirty);
  form.addEventListener("change", markDirty);
  rewriteButtons.forEach(function (button) {
    button.addEventListener("click", function (event) {
      if (!button.dataset.edited) return;
      if (!window.confirm("사람이 고친 부분입니다. AI가 쓴 글로 바꿀까요?")) {
        event.preventDefault();
        return;
      }
      const overwrite = document.createElement("input");
      overwrite.type = "hidden";
      overwrite.name = "overwrite";
      overwrite.value = "1";
      form.appendChild(overwrite);
    });
  });
  // Every button in the form saves the typed text first, so submitting is safe.
  form.addEventListener("submit", function () { submitting = true; });
  window.addEventListener("beforeunload", function (event) {
    if (dirty && !submitting) {
      event.preventDefault();
      event.returnValue = "";
    }
  });

  const notice = document.getElementById("prism-editing-notice");
  const pingUrl = notice && notice.dataset.ping;
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
  // Leaving the page ends this person's presence at once (else it expires).
  window.addEventListener("pagehide", function () {
    if (submitting || !navigator.sendBeacon) return;
    const data = new FormData();
    data.append("leave", "1");
    if (csrf) data.append("csrfmiddlewaretoken", csrf.value);
    navigator.sendBeacon(pingUrl, data);
  });
})();
