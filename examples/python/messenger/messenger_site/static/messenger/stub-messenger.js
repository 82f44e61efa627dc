// A stand-in for a vendor's messenger SDK (Intercom's Messenger, say), in plain JavaScript.
//
// The page boots it with what the server rendered for the logged-in user — the identity and its
// user_hash, from the userhash payload — and it sends them on, as a vendor's SDK sends them to the
// vendor: here to the app's own verify endpoint, whose gate checks the hash. The token travels in
// the X-UserHash-Token header, the platform in X-UserHash-Platform; Django's CSRF token rides
// along, as with any same-origin POST.
(function () {
  "use strict";

  function cookie(name) {
    var found = document.cookie.split("; ").filter(function (pair) {
      return pair.indexOf(name + "=") === 0;
    })[0];
    return found ? decodeURIComponent(found.slice(name.length + 1)) : "";
  }

  function show(state, text) {
    document.body.dataset.messenger = state;
    var status = document.getElementById("messenger-status");
    if (status) {
      status.textContent = text;
    }
  }

  window.StubMessenger = {
    // settings: {verify_url, platform, user_id, email, user_hash}
    boot: function (settings) {
      show("booting", "Messenger booting for user " + settings.user_id);
      return fetch(settings.verify_url, {
        method: "POST",
        credentials: "same-origin",
        headers: {
          "Content-Type": "application/json",
          "X-CSRFToken": cookie("csrftoken"),
          "X-UserHash-Token": settings.user_hash || "",
          "X-UserHash-Platform": settings.platform,
        },
        body: JSON.stringify({ user_id: settings.user_id, email: settings.email }),
      })
        .then(function (response) {
          show("answered-" + response.status, "The server answered " + response.status);
        })
        .catch(function (error) {
          show("failed", "The request failed: " + error);
        });
    },
  };
})();
