/* A check-in left on the waiting-room tablet goes back to the welcome screen.
 *
 * The server is the authority: it closes the check-in after KIOSK_IDLE_MINUTES
 * without an answer or a tap, and a stale page can then save and see nothing.
 * This script only keeps the screen in step with it: it tells the server when
 * the patient taps or types (at most every few seconds), asks "Still there?"
 * shortly before the end, and shows the welcome screen when the time is up.
 */
(function () {
  "use strict";
  var region = document.getElementById("kiosk-idle");
  var notice = document.getElementById("kiosk-idle-notice");
  if (!region || !notice) { return; }
  var timeout = Number(region.dataset.idleSeconds) * 1000;
  var lead = Number(region.dataset.warningSeconds) * 1000;
  // Taps are reported at most this often; the notice's button at once.
  var every = Math.min(15000, timeout / 4);
  var csrf = document.querySelector("input[name=csrfmiddlewaretoken]");
  var deadline = Date.now() + timeout; // the page's own request counted as activity
  var reportedAt = Date.now();
  var unreported = false;
  var leaving = false;

  function goHome() {
    if (leaving) { return; }
    leaving = true;
    window.location.replace(region.dataset.leaveUrl);
  }

  function serverSawActivity() {
    deadline = Date.now() + timeout;
    hideNotice();
  }

  function report() {
    unreported = false;
    reportedAt = Date.now();
    fetch(region.dataset.stillHereUrl, {
      method: "POST",
      credentials: "same-origin",
      redirect: "manual",
      headers: { "X-CSRFToken": csrf ? csrf.value : "" }
    }).then(function (response) {
      if (response.status === 204) { serverSawActivity(); } else { goHome(); }
    }).catch(function () { /* offline: the deadline stands */ });
  }

  function showNotice() {
    if (region.firstElementChild) { return; }
    region.appendChild(notice.content.cloneNode(true));
    var button = region.querySelector("[data-kiosk-continue]");
    button.addEventListener("click", report);
    button.focus();
  }

  function hideNotice() {
    if (!region.firstElementChild) { return; }
    var hadFocus = region.contains(document.activeElement);
    region.replaceChildren();
    if (hadFocus) {
      var heading = document.querySelector("h1");
      heading.setAttribute("tabindex", "-1");
      heading.focus();
    }
  }

  function interacted() {
    if (region.firstElementChild || Date.now() - reportedAt >= every) { report(); }
    else { unreported = true; }
  }

  ["pointerdown", "keydown", "input", "change", "wheel"].forEach(function (name) {
    document.addEventListener(name, interacted, { capture: true, passive: true });
  });
  // An autosave is activity the server has just counted.
  document.body.addEventListener("htmx:afterRequest", function (event) {
    var path = event.detail.requestConfig && event.detail.requestConfig.path;
    if (event.detail.successful && path && path.indexOf("/autosave/") !== -1) { serverSawActivity(); }
  });

  window.setInterval(function () {
    if (unreported && Date.now() - reportedAt >= every) { report(); }
    var left = deadline - Date.now();
    if (left <= 0) { goHome(); } else if (left <= lead) { showNotice(); }
  }, 500);
}());
